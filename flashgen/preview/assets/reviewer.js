// One side of a card, as Anki's reviewer shows it. The page's address says how:
// "#night" is night mode (the classes Anki desktop and AnkiDroid put on the page).
// When MathJax (if the card has math) and the images are done, the page tells its parent
// (the card page) its height and what a check needs: script errors, images that did not
// load, math typeset or not, the page's width against the window's.
(function () {
  'use strict';
  var state = window.flashgenSide;

  function flags() {
    return location.hash.replace(/^#/, '').split(',');
  }

  function applyTheme() {
    var night = flags().indexOf('night') >= 0;
    document.documentElement.classList.toggle('night-mode', night);
    document.body.classList.toggle('nightMode', night);
    document.body.classList.toggle('night_mode', night);
  }

  function report() {
    var root = document.documentElement;
    var images = Array.prototype.slice.call(document.images);
    return {
      height: Math.ceil(root.getBoundingClientRect().height),
      scrollWidth: root.scrollWidth,
      width: window.innerWidth,
      errors: state.errors.slice(),
      images: images.length,
      missingImages: images
        .filter(function (image) { return !image.complete || image.naturalWidth === 0; })
        .map(function (image) { return image.getAttribute('src'); }),
      mathSource: state.math,
      mathTypeset: document.querySelectorAll('mjx-container').length,
      mathErrors: document.querySelectorAll('mjx-merror').length,
      night: document.body.classList.contains('nightMode'),
      background: window.getComputedStyle(document.body).backgroundColor,
      cardBackground: window.getComputedStyle(document.querySelector('.fg-card') || document.body)
        .backgroundColor
    };
  }

  function send() {
    if (window.parent !== window) {
      window.parent.postMessage({ flashgen: 'side', side: state.side, report: report() }, '*');
    }
  }

  function whenImagesLoaded() {
    var pending = Array.prototype.slice.call(document.images).filter(function (image) {
      return !image.complete;
    });
    return Promise.all(pending.map(function (image) {
      return new Promise(function (done) {
        image.addEventListener('load', done);
        image.addEventListener('error', done);
      });
    }));
  }

  var done = false;
  applyTheme();
  window.addEventListener('hashchange', function () { applyTheme(); if (done) { send(); } });
  // A parent whose script ran after this page was ready asks again.
  window.addEventListener('message', function (event) {
    if (event.data === 'flashgen:report?' && done) { send(); }
  });
  var ready = state.math ? state.mathReady : Promise.resolve();
  Promise.all([ready, whenImagesLoaded()]).then(function () {
    done = true;
    send();
    if (window.ResizeObserver) {
      new ResizeObserver(send).observe(document.documentElement);
    }
  });
})();
