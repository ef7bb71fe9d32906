(function () {
  'use strict';
  var C = window.SupportlensCharts;
  var WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

  function heatmap(table, cells, value, format, range) {
    var max = 0;
    cells.forEach(function (cell) {
      if (cell[value] !== null && cell[value] > max) max = cell[value];
    });
    var byKey = {};
    cells.forEach(function (cell) {
      byKey[cell.weekday + ':' + cell.hour] = cell;
    });
    var hours = [];
    for (var h = 0; h < 24; h += 1) hours.push(h);
    C.fillTable(table, [''].concat(hours.map(String)), WEEKDAYS, function (name) {
      return [name];
    });
    var rows = table.querySelectorAll('tbody tr');
    WEEKDAYS.forEach(function (_name, index) {
      hours.forEach(function (hour) {
        var cell = byKey[index + 1 + ':' + hour];
        var v = cell ? cell[value] : null;
        var td = C.el('td', null, 'cell');
        if (v !== null && cell.conversations > 0) td.appendChild(C.listLink(format(v), range, { weekday: index + 1, hour: hour }));
        else td.textContent = v === null ? '' : format(v);
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
    data.cells.forEach(function (cell) {
      perHour[cell.hour] += cell.conversations;
    });
    var total = perHour.reduce(function (a, b) {
      return a + b;
    }, 0);
    if (total === 0) {
      C.emptyState('chart-hours', 'No conversations in this range.');
      C.emptyState('heatmap-volume', 'No conversations in this range.');
      C.emptyState('heatmap-response', 'No answered conversations in this range.');
      C.markDrawn();
      return;
    }
    C.chart(
      'chart-hours',
      'bar',
      perHour.map(function (_v, hour) {
        return String(hour);
      }),
      [{ label: 'conversations', data: perHour }],
    );
    heatmap(document.getElementById('heatmap-volume'), data.cells, 'conversations', String, data.range);
    heatmap(
      document.getElementById('heatmap-response'),
      data.cells,
      'medianFirstResponseMs',
      function (ms) {
        return C.formatDuration(ms);
      },
      data.range,
    );
    C.markDrawn();
  });
})();
