// The index: filter the cards by deck, file, tag and card type, and search their text.
// Everything is in the page already (it works opened from disk); this only hides rows.
(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('#cards tbody tr'));
  var controls = ['deck', 'file', 'tag', 'type'].map(function (name) {
    return document.getElementById('filter-' + name);
  });
  var search = document.getElementById('search');
  var count = document.getElementById('count');

  function matches(row) {
    var wanted = controls.every(function (control) {
      var value = control.value;
      if (!value) { return true; }
      var key = control.id.replace('filter-', '');
      if (key === 'tag') { return (' ' + row.dataset.tags + ' ').indexOf(' ' + value + ' ') >= 0; }
      return row.dataset[key] === value;
    });
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    return wanted && words.every(function (word) { return row.dataset.text.indexOf(word) >= 0; });
  }

  function update() {
    var shown = 0;
    rows.forEach(function (row) {
      var show = matches(row);
      row.hidden = !show;
      shown += show ? 1 : 0;
    });
    count.textContent = shown === rows.length ? rows.length + ' cards' : shown + ' of ' + rows.length + ' cards';
    document.documentElement.dataset.report = JSON.stringify({ shown: shown, total: rows.length });
    var state = controls.map(function (c) { return c.value; }).concat([search.value]);
    history.replaceState(null, '', '#' + state.map(encodeURIComponent).join('/'));
  }

  var saved = location.hash.replace(/^#/, '').split('/');
  if (saved.length === controls.length + 1) {
    controls.forEach(function (control, i) { control.value = decodeURIComponent(saved[i]); });
    search.value = decodeURIComponent(saved[controls.length]);
  }
  controls.concat([search]).forEach(function (control) {
    control.addEventListener('input', update);
  });
  update();
})();
