// Momentum Lab: behaviour added to every page by book/_ext/momentum_book.py.
//
// Widget views come with a note saying that the explorer needs a running kernel (for offline readers
// and wherever the ipywidgets embed script, which comes from a CDN, cannot load). When that script does
// render a widget, it inserts the widget's DOM next to its <script type="...widget-view+json"> tag;
// we then mark the output as live, and the stylesheet hides the note.
(function () {
  "use strict";
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

  function isRendered(script) {
    var node = script.previousElementSibling;
    while (node) {
      if (node.matches && node.matches(".jupyter-widgets, .widget-subarea, .jupyter-widgets-view, .lm-Widget")) {
        return true;
      }
      if (node.querySelector && node.querySelector(".jupyter-widgets, .lm-Widget")) {
        return true;
      }
      node = node.previousElementSibling;
    }
    return false;
  }

  function update() {
    document.querySelectorAll(VIEW).forEach(function (script) {
      var output = script.parentElement;
      if (output && isRendered(script)) {
        output.classList.add("ml-widget-live");
      }
    });
  }

  function start() {
    if (!document.querySelector(VIEW)) {
      return;
    }
    update();
    new MutationObserver(update).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
