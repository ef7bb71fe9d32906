(function () {
  'use strict';
  var C = window.SupportlensCharts;
  var MINUTE = 60000;
  var HOUR = 3600000;

  C.fetchApi('/api/overview').then(function (data) {
    var totals = document.getElementById('totals');
    totals.replaceChildren();
    [
      ['Conversations', String(data.total.conversations)],
      ['Unanswered', String(data.total.unanswered)],
      ['First response median', C.formatDuration(data.total.firstResponseMedianMs)],
      ['First response p90', C.formatDuration(data.total.firstResponseP90Ms)],
      ['Resolution median', C.formatDuration(data.total.resolutionMedianMs)],
      ['Within first-response target', C.formatShare(data.total.firstResponseWithinTarget)],
    ].forEach(function (pair) {
      var box = C.el('div', null, 'figure');
      box.appendChild(C.el('span', pair[0], 'label'));
      box.appendChild(C.el('strong', pair[1]));
      totals.appendChild(box);
    });

    C.chart('chart-volume', 'bar', data.days, data.series.map(function (s) {
      return { label: s.channel, data: s.days.map(function (d) { return d.conversations; }) };
    }), { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } });

    function percentileSeries(field, unit) {
      var sets = [];
      data.series.forEach(function (s, index) {
        var color = C.color(index);
        sets.push({ label: s.channel + ' median', borderColor: color, backgroundColor: color, data: s.days.map(function (d) { return C.toUnit(d[field + 'MedianMs'], unit); }) });
        sets.push({ label: s.channel + ' p90', borderColor: color, backgroundColor: color, borderDash: [6, 4], data: s.days.map(function (d) { return C.toUnit(d[field + 'P90Ms'], unit); }) });
      });
      return sets;
    }
    C.chart('chart-first-response', 'line', data.days, percentileSeries('firstResponse', MINUTE));
    C.chart('chart-resolution', 'line', data.days, percentileSeries('resolution', HOUR));
    C.chart('chart-target', 'line', data.days, data.series.map(function (s) {
      return { label: s.channel, data: s.days.map(function (d) { return d.firstResponseWithinTarget === null ? null : Math.round(d.firstResponseWithinTarget * 1000) / 10; }) };
    }), { scales: { y: { beginAtZero: true, max: 100 } } });

    C.fillTable(document.getElementById('channel-table'),
      ['Channel', 'Conversations', 'Unanswered', 'First response median', 'p90', 'Target', 'Within target', 'Resolution median', 'p90'],
      data.series, function (s) {
        return [s.channel, s.total.conversations, s.total.unanswered, C.formatDuration(s.total.firstResponseMedianMs), C.formatDuration(s.total.firstResponseP90Ms),
          C.formatDuration(s.firstResponseTargetMs), C.formatShare(s.total.firstResponseWithinTarget), C.formatDuration(s.total.resolutionMedianMs), C.formatDuration(s.total.resolutionP90Ms)];
      });
    C.markDrawn();
  });
})();
