// A card page: the front and the back side by side, each in a frame of its own (as in Anki,
// the card's CSS sees nothing of this page). "#night,phone" in the address switches night
// mode and a 390 px phone width; the switches, the arrow keys and the links keep them.
(function () {
  'use strict';
  var PHONE_WIDTH = 390;
  var frames = Array.prototype.slice.call(document.querySelectorAll('iframe[data-side]'));
  var reports = {};

  function flags() {
    return location.hash.replace(/^#/, '').split(',').filter(Boolean);
  }

  function has(flag) {
    return flags().indexOf(flag) >= 0;
  }

  function apply() {
    var night = has('night');
    var phone = has('phone');
    document.getElementById('night').checked = night;
    document.getElementById('phone').checked = phone;
    document.documentElement.classList.toggle('night', night);
    frames.forEach(function (frame) {
      var wanted = frame.dataset.src + (night ? '#night' : '#');
      if (frame.getAttribute('src') !== wanted) {
        frame.setAttribute('src', wanted);
      }
      frame.style.width = phone ? PHONE_WIDTH + 'px' : '';
      frame.classList.toggle('phone', phone);
    });
    var hash = location.hash;
    Array.prototype.forEach.call(document.querySelectorAll('a[data-keep]'), function (link) {
      link.setAttribute('href', link.getAttribute('href').split('#')[0] + hash);
    });
  }

  function setFlag(flag, on) {
    var rest = flags().filter(function (f) { return f !== flag; });
    if (on) { rest.push(flag); }
    rest.sort();
    history.replaceState(null, '', '#' + rest.join(','));
    apply();
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.flashgen !== 'side') { return; }
    frames.forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        frame.style.height = Math.max(data.report.height, 40) + 'px';
        reports[frame.dataset.side] = data.report;
      }
    });
    document.documentElement.dataset.report = JSON.stringify(reports);
  });
  document.getElementById('night').addEventListener('change', function (event) {
    setFlag('night', event.target.checked);
  });
  document.getElementById('phone').addEventListener('change', function (event) {
    setFlag('phone', event.target.checked);
  });
  document.addEventListener('keydown', function (event) {
    if (event.target.tagName === 'INPUT' || event.metaKey || event.ctrlKey || event.altKey) { return; }
    var go = { ArrowLeft: 'previous', ArrowRight: 'next', Escape: 'index' }[event.key];
    var link = go && document.getElementById(go);
    if (link && link.getAttribute('href')) { location.href = link.href; }
    if (event.key === 'n') { setFlag('night', !has('night')); }
    if (event.key === 'p') { setFlag('phone', !has('phone')); }
  });
  window.addEventListener('hashchange', apply);
  apply();
  frames.forEach(function (frame) {
    if (frame.contentWindow) { frame.contentWindow.postMessage('flashgen:report?', '*'); }
  });
})();
