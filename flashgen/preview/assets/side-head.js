// Runs first in every card side: collects script errors for the check, and configures
// MathJax as Anki does (only \(…\) and \[…\] are math; no menu).
(function () {
  'use strict';
  var state = { errors: [], side: document.documentElement.dataset.side, math: false };
  window.flashgenSide = state;
  window.addEventListener('error', function (event) {
    if (!(event.target && event.target.tagName)) {
      state.errors.push(String(event.message) + ' (' + event.filename + ':' + event.lineno + ')');
    }
  }, true);
  if (document.documentElement.dataset.math === 'yes') {
    state.math = true;
    state.mathReady = new Promise(function (resolve) {
      window.MathJax = {
        tex: {
          inlineMath: [['\\(', '\\)']],
          displayMath: [['\\[', '\\]']],
          processEscapes: false,
          processEnvironments: false,
          processRefs: false
        },
        options: { enableMenu: false, ignoreHtmlClass: 'tex2jax_ignore', processHtmlClass: 'tex2jax_process' },
        startup: {
          pageReady: function () {
            return window.MathJax.startup.defaultPageReady().then(resolve, function (error) {
              state.errors.push('MathJax: ' + error);
              resolve();
            });
          }
        }
      };
    });
  }
})();
