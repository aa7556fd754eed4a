// Sharing tools that need JavaScript: copy link, the device's share sheet, print.
// The page works without them; each button stays hidden unless it can work here.
(function () {
  "use strict";

  function announce(text) {
    var status = document.querySelector(".share-status");
    if (status) {
      status.textContent = text;
    }
  }

  function copy(url, what) {
    if (!navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(url).then(
      function () { announce(what + " copied. You can paste it into a message."); },
      function () { announce("Sorry, the link could not be copied. Copy it from the address bar."); }
    );
  }

  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    if (!navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button.getAttribute("data-copy-link"), "Link");
    });
  });

  document.querySelectorAll("[data-native-share]").forEach(function (button) {
    if (!navigator.share) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({
        title: button.getAttribute("data-title"),
        url: button.getAttribute("data-url")
      }).catch(function () {});
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // "Link to this section": copy the section's address instead of only jumping to it.
  document.querySelectorAll("a.section-link").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!navigator.clipboard) {
        return;
      }
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
      copy(link.href, "Link to this section");
      var label = link.querySelector(".section-link-label");
      if (label) {
        label.textContent = "Link copied";
        window.setTimeout(function () { label.textContent = "Link to this section"; }, 3000);
      }
    });
  });
})();
