/* Starts a chapter deck (tools/chapter_slides.py): reveal.js, then the book's MathJax over every slide,
   then a new layout, since typeset maths changes the slides' heights. */
(function () {
  "use strict";
  var deck = Reveal.initialize({ hash: true, width: 1280, height: 800, margin: 0.04, transition: "none",
                                 center: false, slideNumber: "c/t" });
  function typeset() {
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return Promise.resolve();
    return MathJax.startup.promise.then(function () { return MathJax.typesetPromise(); });
  }
  Promise.all([deck, typeset()]).then(function () {
    Reveal.layout();
    document.documentElement.setAttribute("data-slides-ready", "true");
  });
})();
