// Step-up dialog. A sensitive form refused for lack of a fresh verification stays in the page as
// the user filled it; the server retargets the verification panel into <dialog id="ac-step-up">.
// Once verified, the server names the refused form in an `accountCenterVerified` event and we
// submit it again, so nothing (a new password above all) is retyped or kept on the server.
var acStepUp = (function () {
  var submitters = new WeakMap(); // form -> the button that last submitted it
  var returnFocus = null;

  // htmx forgets the clicked button when focus leaves it (the dialog takes focus), so keep it:
  // re-clicking it sends its name/value (e.g. action=remove) exactly as the first time.
  document.addEventListener("submit", function (event) {
    if (event.submitter) submitters.set(event.target, event.submitter);
  }, true);

  function dialogOf(element) {
    return element && element.closest ? element.closest("dialog#ac-step-up") : null;
  }

  function open(dialog) {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  // "close" does not bubble: listen while it goes down (Escape, the Close button, or us).
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog || dialog.id !== "ac-step-up") return;
    var content = dialog.querySelector("#ac-step-up-content");
    if (content) content.innerHTML = "";
    if (returnFocus && document.contains(returnFocus) && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    returnFocus = null;
  }, true);

  function resubmit(form) {
    var button = submitters.get(form);
    if (button && button.form === form && document.contains(button) && !button.disabled) {
      button.click();
    } else if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      htmx.trigger(form, "submit");
    }
  }

  document.addEventListener("accountCenterVerified", function (event) {
    var id = event.detail && event.detail.formId;
    var form = id ? document.getElementById(id) : null;
    // Not found (the page changed meanwhile): the dialog says "verified" and offers to close.
    if (!(form instanceof HTMLFormElement)) return;
    // Let htmx finish swapping this answer into the dialog before it goes away.
    setTimeout(function () {
      var dialog = document.getElementById("ac-step-up");
      returnFocus = submitters.get(form) || form;
      if (dialog && dialog.open) dialog.close();
      resubmit(form);
    }, 0);
  });

  // "Download my data": the server answered that step-up holds; a file cannot come through
  // htmx, so the form is posted the plain way (no submit event: htmx stays out of it) and the
  // browser downloads the answer while the page stays as it is.
  document.addEventListener("accountCenterDownload", function (event) {
    var id = event.detail && event.detail.formId;
    var form = id ? document.getElementById(id) : null;
    if (form instanceof HTMLFormElement) HTMLFormElement.prototype.submit.call(form);
  });

  return { open: open, dialogOf: dialogOf };
})();

// Focus after an htmx swap: the first field in error, else an alert, else what the answer marks
// (a confirmation's question), else the first field of a form just opened for editing, else the
// swapped section's heading, so keyboard and screen-reader users land where the change happened.
document.addEventListener("htmx:afterSwap", function (event) {
  var root = document.getElementById(event.detail.target.id) || event.detail.target;
  if (!root || !root.querySelector) return;
  // A "Saved." belongs to the latest change only: clear notices left in other sections.
  document.querySelectorAll(".ac-notice").forEach(function (notice) {
    if (!root.contains(notice)) notice.remove();
  });
  var dialog = acStepUp.dialogOf(root);
  if (dialog) acStepUp.open(dialog); // before focusing: nothing in a closed dialog takes focus
  var target = root.querySelector("[aria-invalid='true']") || root.querySelector(".ac-alert");
  target = target || root.querySelector("[data-ac-focus]");
  target = target || firstField(root.querySelector("form[data-ac-edit]"));
  target = target || root.querySelector("h2[tabindex], h1[tabindex]");
  if (target) {
    if (!target.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
});
function firstField(form) {
  if (!form) return null;
  var fields = form.querySelectorAll("input:not([type='hidden']), select, textarea");
  for (var i = 0; i < fields.length; i++) {
    if (!fields[i].disabled && !fields[i].readOnly && fields[i].getClientRects().length) return fields[i];
  }
  return null;
}
// htmx does not swap error answers by default; our 503 partials say "Logto is unavailable".
// (A refusal of a form left open comes with 200: see views/feature_rule.py.)
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status === 503) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// Count the resend cooldown down in the page.
setInterval(function () {
  document.querySelectorAll("[data-ac-cooldown]").forEach(function (el) {
    var left = parseInt(el.getAttribute("data-ac-cooldown"), 10) - 1;
    el.setAttribute("data-ac-cooldown", String(left));
    var button = el.parentNode.querySelector("button[disabled]");
    if (left <= 0) {
      if (button) button.disabled = false;
      el.remove();
    } else {
      el.textContent = el.textContent.replace(/\d+/, String(left));
    }
  });
}, 1000);
// On phones the menu is one bar that scrolls sideways by itself: show the current item.
document.addEventListener("DOMContentLoaded", function () {
  var current = document.querySelector(".ac-nav a[aria-current='page']");
  var bar = current && current.closest("ul");
  if (bar && bar.scrollWidth > bar.clientWidth) {
    bar.scrollLeft = current.offsetLeft - (bar.clientWidth - current.offsetWidth) / 2;
  }
});
// Shown-once secrets (backup codes, a new token): a "Copy" button where the clipboard is
// available. Without JavaScript the text stays selectable and the download link still works.
(function () {
  function enable(root) {
    if (!navigator.clipboard || !root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-ac-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }
  // htmx:load names the content just added: with hx-swap="outerHTML", afterSwap's target is the
  // element that was replaced, no longer in the page.
  document.addEventListener("DOMContentLoaded", function () { enable(document); });
  document.addEventListener("htmx:load", function (event) { enable(event.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-ac-copy]") : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-ac-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      var done = button.getAttribute("data-ac-copied");
      if (done) button.textContent = done;
    });
  });
})();
// The profile's "in your words" gender field matters only with "Another gender": hide it otherwise
// (without JavaScript it simply stays visible).
function acGenderOther(root) {
  var select = (root || document).querySelector("select[name='gender']");
  var other = (root || document).querySelector("input[name='gender_other']");
  var field = other && other.closest(".ac-field");
  if (!select || !field) return;
  var sync = function () { field.hidden = select.value !== "other"; };
  select.addEventListener("change", sync);
  sync();
}
document.addEventListener("DOMContentLoaded", function () { acGenderOther(document); });
document.addEventListener("htmx:afterSwap", function (event) { acGenderOther(document); });
// A token's "Expires" date matters only with "On a date": hide the date field otherwise (without
// JavaScript it simply stays visible, and the server ignores it for the other choices).
function acExpiryDate(root) {
  (root || document).querySelectorAll("select[data-ac-date-choice]").forEach(function (select) {
    var input = select.form && select.form.querySelector("[name='" + select.getAttribute("data-ac-date-choice") + "']");
    var field = input && input.closest(".ac-field");
    if (!field) return;
    var sync = function () { field.hidden = select.value !== select.getAttribute("data-ac-date-value"); };
    select.addEventListener("change", sync);
    sync();
  });
}
document.addEventListener("htmx:load", function (event) {
  if (event.target.querySelectorAll) acExpiryDate(event.target);
});
document.addEventListener("DOMContentLoaded", function () { acExpiryDate(document); });
// A picture that does not load (a dead link, a blocked host): the initials rendered beside it
// instead of a broken-image icon. "error" does not bubble, so listen while it goes down; a
// picture that failed before this script ran is found by its zero natural width.
(function () {
  function fallBack(img) {
    var initials = img.nextElementSibling;
    if (!initials || !initials.classList.contains("ac-avatar--initials")) return;
    initials.hidden = false;
    img.remove();
  }
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (img && img.tagName === "IMG" && img.classList.contains("ac-avatar")) fallBack(img);
  }, true);
  function check(root) {
    root.querySelectorAll("img.ac-avatar").forEach(function (img) {
      if (!img.complete || img.naturalWidth !== 0) return;
      // decode() refuses a broken picture, and accepts an SVG that simply has no size.
      if (typeof img.decode === "function") img.decode().catch(function () { fallBack(img); });
      else fallBack(img);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { check(document); });
  document.addEventListener("htmx:load", function (event) { if (event.target.querySelectorAll) check(event.target); });
})();
