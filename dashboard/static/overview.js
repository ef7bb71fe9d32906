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

    var volume = C.chart('chart-volume', 'bar', data.days, data.series.map(function (s) {
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
    return C.fetchApi('/api/annotations').then(function (marks) { drawAnnotations(volume, data, marks.annotations); });
  }).finally(C.markDrawn);

  // Spikes, within-target drops and events as marks above the day's volume bar, and as a list (text only).
  function drawAnnotations(volume, data, annotations) {
    var totals = data.days.map(function (_day, index) {
      return data.series.reduce(function (sum, s) { return sum + (s.days[index] ? s.days[index].conversations : 0); }, 0);
    });
    var kinds = [['spike', 'Spike', 'triangle', '#dc2626'], ['target-drop', 'Within-target drop', 'crossRot', '#d97706'], ['event', 'Event', 'rectRot', '#111827']];
    kinds.forEach(function (kind) {
      var texts = data.days.map(function (day) {
        return annotations.filter(function (a) { return a.kind === kind[0] && a.day === day; }).map(function (a) { return a.text; });
      });
      if (!texts.some(function (t) { return t.length > 0; })) return;
      volume.data.datasets.push({
        type: 'line', label: kind[1], stack: kind[0], showLine: false, pointStyle: kind[2], pointRadius: 8, borderColor: kind[3], backgroundColor: kind[3],
        data: totals.map(function (total, index) { return texts[index].length > 0 ? total : null; }), marks: texts,
      });
    });
    volume.options.plugins.tooltip.callbacks = {
      afterLabel: function (item) { return item.dataset.marks ? item.dataset.marks[item.dataIndex] : ''; },
    };
    volume.update();
    var list = document.getElementById('annotations');
    list.replaceChildren();
    if (annotations.length === 0) list.appendChild(C.el('li', 'No spike, drop or event in this range.'));
    annotations.forEach(function (a) { list.appendChild(C.el('li', a.day + ' \u2014 ' + a.text, 'mark-' + a.kind)); });
  }
})();
