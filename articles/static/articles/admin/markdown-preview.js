// Live preview under every section body in the article editor: what readers will see,
// rendered and sanitised by the server exactly as the public page does, with readability.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function endpoint() {
    // /admin/articles/article/<id>/change/ or /add/ -> /admin/articles/article/preview/
    var match = window.location.pathname.match(/^(.*\/articles\/article\/)/);
    return match ? match[1] + "preview/" : null;
  }

  // The figures come as values and are laid out here as text, never parsed as HTML.
  function showReadability(figures, readability) {
    figures.className = "markdown-preview-readability readability readability-" + readability.level;
    figures.textContent = "";
    if (readability.level === "none") {
      figures.textContent = readability.summary;
      return;
    }
    var headline = document.createElement("strong");
    headline.textContent = (readability.warning ? "\u26a0 " : "") + readability.headline;
    figures.appendChild(headline);
    figures.appendChild(document.createTextNode(" \u00b7 " + readability.details));
    if (readability.advice) {
      var advice = document.createElement("span");
      advice.className = "readability-advice";
      advice.textContent = readability.advice;
      figures.appendChild(advice);
    }
  }

  function attach(textarea) {
    if (textarea.dataset.previewAttached) {
      return;
    }
    textarea.dataset.previewAttached = "1";
    var box = document.createElement("div");
    box.className = "markdown-preview";
    box.setAttribute("aria-live", "polite");
    var title = document.createElement("p");
    title.className = "markdown-preview-title";
    title.textContent = "Preview: how readers will see it";
    var body = document.createElement("div");
    var figures = document.createElement("p");
    figures.className = "markdown-preview-readability";
    box.appendChild(title);
    box.appendChild(body);
    box.appendChild(figures);
    textarea.insertAdjacentElement("afterend", box);

    var timer = null;
    function refresh() {
      var url = endpoint();
      if (!url) {
        return;
      }
      var data = new FormData();
      data.append("text", textarea.value);
      fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (!result) {
            return;
          }
          body.innerHTML = result.html; // sanitised on the server by the same nh3 rules
          showReadability(figures, result.readability);
        })
        .catch(function () {});
    }
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    refresh();
  }

  function attachAll() {
    document.querySelectorAll("textarea[name$='-body']").forEach(function (textarea) {
      if (!textarea.name.includes("__prefix__")) {
        attach(textarea);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", attachAll);
  document.addEventListener("formset:added", attachAll);
})();
