// Written into pages by `flashgen watch --preview`: reload when a new build replaced the site.
// Opened from disk a page cannot fetch files, but it can load a script: _assets/build.js is
// loaded again every second and names the build that wrote it.
(function () {
  'use strict';
  var source = document.currentScript.src.replace(/live\.js$/, 'build.js');
  var navigation = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
  if (navigation && navigation.type === 'reload') {
    document.documentElement.dataset.reloaded = 'yes';
  }
  var seen = null;
  function poll() {
    var script = document.createElement('script');
    script.src = source + '?' + Date.now();
    script.onload = script.onerror = function () {
      script.remove();
      var build = window.flashgenBuild;
      if (seen === null) { seen = build; }
      else if (build && build !== seen) { location.reload(); return; }
      setTimeout(poll, 1000);
    };
    document.head.appendChild(script);
  }
  poll();
})();
