(function () {
  'use strict';
  var C = window.SupportlensCharts;
  var WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

  function heatmap(table, cells, value, format) {
    var max = 0;
    cells.forEach(function (cell) { if (cell[value] !== null && cell[value] > max) max = cell[value]; });
    var byKey = {};
    cells.forEach(function (cell) { byKey[cell.weekday + ':' + cell.hour] = cell; });
    var hours = [];
    for (var h = 0; h < 24; h += 1) hours.push(h);
    C.fillTable(table, [''].concat(hours.map(String)), WEEKDAYS, function (name) {
      return [name];
    });
    var rows = table.querySelectorAll('tbody tr');
    WEEKDAYS.forEach(function (_name, index) {
      hours.forEach(function (hour) {
        var cell = byKey[(index + 1) + ':' + hour];
        var v = cell ? cell[value] : null;
        var td = C.el('td', v === null ? '' : format(v), 'cell');
        td.dataset.weekday = String(index + 1);
        td.dataset.hour = String(hour);
        if (v !== null && max > 0) td.style.backgroundColor = 'rgba(37, 99, 235, ' + (0.08 + 0.8 * (v / max)).toFixed(3) + ')';
        rows[index].appendChild(td);
      });
    });
  }

  C.fetchApi('/api/peak-times').then(function (data) {
    var perHour = [];
    for (var h = 0; h < 24; h += 1) perHour.push(0);
    data.cells.forEach(function (cell) { perHour[cell.hour] += cell.conversations; });
    C.chart('chart-hours', 'bar', perHour.map(function (_v, hour) { return String(hour); }), [{ label: 'conversations', data: perHour }]);
    heatmap(document.getElementById('heatmap-volume'), data.cells, 'conversations', String);
    heatmap(document.getElementById('heatmap-response'), data.cells, 'medianFirstResponseMs', function (ms) { return String(Math.round(ms / 6000) / 10); });
    C.markDrawn();
  });
})();
