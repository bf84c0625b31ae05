// Adding a passkey (two-step page). The server asks Logto for a WebAuthn registration and puts
// Logto's creation options in the page (<script type="application/json" id="ac-passkey-options">);
// here the browser makes the credential with them and the form #ac-passkey-finish posts it back,
// for Logto to verify and bind. No secret passes through this script: the credential is public.
// Without JavaScript the "Add a passkey" button stays hidden and the page says why.
(function () {
  function toBytes(text) {
    var base64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) return undefined;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Logto's options are JSON (base64url for the binary parts): the browser's own parser where
  // it has one, else the same conversion by hand.
  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = (json.excludeCredentials || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
    return options;
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        authenticatorData: response.getAuthenticatorData ? toText(response.getAuthenticatorData()) : undefined,
        publicKey: response.getPublicKey ? toText(response.getPublicKey()) : undefined,
        publicKeyAlgorithm: response.getPublicKeyAlgorithm ? response.getPublicKeyAlgorithm() : undefined,
        transports: response.getTransports ? response.getTransports() : []
      }
    };
  }

  function send(form, fields) {
    Object.keys(fields).forEach(function (name) {
      form.elements[name].value = fields[name];
    });
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }

  function register(source) {
    var form = document.getElementById("ac-passkey-finish");
    if (!form || source.dataset.acStarted) return;
    source.dataset.acStarted = "1";
    var json;
    try {
      json = JSON.parse(source.textContent);
    } catch (error) {
      send(form, { failure: "DataError" });
      return;
    }
    navigator.credentials.create({ publicKey: creationOptions(json) }).then(
      function (credential) {
        send(form, { credential: JSON.stringify(credentialJSON(credential)) });
      },
      function (error) {
        send(form, { failure: (error && error.name) || "Error" });
      }
    );
  }

  function scan() {
    var able = typeof window.PublicKeyCredential === "function" && navigator.credentials;
    document.querySelectorAll("[data-ac-passkey-needs-script]").forEach(function (note) {
      note.hidden = true;
    });
    document.querySelectorAll("[data-ac-passkey-add]").forEach(function (form) {
      form.hidden = !able;
    });
    document.querySelectorAll("[data-ac-passkey-unsupported]").forEach(function (note) {
      note.hidden = !!able;
    });
    var source = document.getElementById("ac-passkey-options");
    if (source && able) register(source);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  // Sections come back from htmx (in place or out of band): look again once they settle.
  document.addEventListener("htmx:afterSettle", scan);
})();
