// Focus after an htmx swap: the first field in error, else the swapped section's heading,
// so keyboard and screen-reader users land where the change happened.
document.addEventListener("htmx:afterSwap", function (event) {
  var root = document.getElementById(event.detail.target.id) || event.detail.target;
  if (!root || !root.querySelector) return;
  var target = root.querySelector("[aria-invalid='true']") || root.querySelector(".ac-alert");
  target = target || root.querySelector("h2[tabindex], h1[tabindex]");
  if (target) {
    if (!target.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
});
// htmx does not swap error answers by default; our 503 partials say "Logto is unavailable".
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 503) {
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
