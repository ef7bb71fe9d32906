(function () {
  'use strict';
  var C = window.SupportlensCharts;
  var MINUTE = 60000;
  var HOUR = 3600000;

  /** Each channel in its own unit: minutes when its target (else its median) is under an hour, hours otherwise. */
  function unitOf(series) {
    var reference = series.firstResponseTargetMs !== null ? series.firstResponseTargetMs : series.total.firstResponseMedianMs;
    return reference !== null && reference >= HOUR ? { ms: HOUR, name: 'h' } : { ms: MINUTE, name: 'min' };
  }

  function inUnit(ms, unit) {
    return ms === null ? '\u2014' : String(Math.round((ms / unit.ms) * 10) / 10) + ' ' + unit.name;
  }

  /** The relative change against the previous period, worded; none when there is nothing to compare with. */
  function change(now, before, lowerIsBetter) {
    if (now === null || before === null || before === 0) return { text: 'no previous figure', className: 'change' };
    var relative = (now - before) / before;
    var better = lowerIsBetter ? relative < 0 : relative > 0;
    return {
      text: (relative > 0 ? '+' : '') + Math.round(relative * 1000) / 10 + ' % vs previous period',
      className: 'change ' + (relative === 0 ? '' : better ? 'better' : 'worse'),
    };
  }

  function card(container, label, value, delta, link) {
    var box = C.el('div', null, 'figure');
    box.appendChild(C.el('span', label, 'label'));
    if (link) {
      var strong = C.el('strong');
      strong.appendChild(link);
      box.appendChild(strong);
    } else {
      box.appendChild(C.el('strong', value));
    }
    if (delta) box.appendChild(C.el('span', delta.text, delta.className));
    container.appendChild(box);
  }

  /** One line chart of a channel's first response over the days; drawn apart so that markers can be added per chart. */
  function responseChart(container, data, series, index) {
    var unit = unitOf(series);
    var figure = C.el('figure');
    figure.appendChild(C.el('figcaption', series.channel + ': first response, median and p90 (' + unit.name + ')'));
    var holder = C.el('div', null, 'chart');
    var canvas = C.el('canvas');
    canvas.id = 'chart-first-response-' + index;
    holder.appendChild(canvas);
    figure.appendChild(holder);
    container.appendChild(figure);
    var color = C.color(index);
    var datasets = [
      {
        label: 'median',
        borderColor: color,
        backgroundColor: color,
        data: series.days.map(function (d) {
          return C.toUnit(d.firstResponseMedianMs, unit.ms);
        }),
      },
      {
        label: 'p90',
        borderColor: color,
        backgroundColor: color,
        borderDash: [6, 4],
        data: series.days.map(function (d) {
          return C.toUnit(d.firstResponseP90Ms, unit.ms);
        }),
      },
    ];
    if (series.firstResponseTargetMs !== null) {
      datasets.push({
        label: 'target',
        borderColor: '#9ca3af',
        backgroundColor: '#9ca3af',
        pointRadius: 0,
        borderWidth: 1,
        data: series.days.map(function () {
          return C.toUnit(series.firstResponseTargetMs, unit.ms);
        }),
      });
    }
    C.chart(canvas.id, 'line', dayLabels(data), datasets);
  }

  function dayLabels(data) {
    return data.days.map(function (day) {
      return day === data.partialDay ? day + ' (partial)' : day;
    });
  }

  C.fetchApi('/api/overview')
    .then(function (data) {
      var range = data.range;
      var totals = document.getElementById('totals');
      totals.replaceChildren();
      card(totals, 'Conversations', null, null, C.listLink(String(data.total.conversations), range, {}));
      card(totals, 'Unanswered', null, null, C.listLink(String(data.total.unanswered), range, { unanswered: '1' }));
      card(totals, 'First response breached', null, null, C.listLink(String(data.total.firstResponseBreached), range, { breached: 'first_response' }));

      var cards = document.getElementById('channel-cards');
      cards.replaceChildren();
      if (data.series.length === 0) cards.appendChild(C.el('p', 'No conversations in this range.', 'empty'));
      data.series.forEach(function (s) {
        var unit = unitOf(s);
        var channelRange = { from: range.from, to: range.to, channel: s.channel };
        var row = C.el('section', null, 'figures channel-cards');
        row.dataset.channel = s.channel;
        row.appendChild(C.el('h3', s.channel));
        card(
          row,
          'Conversations',
          null,
          change(s.total.conversations, s.previous.conversations, false),
          C.listLink(String(s.total.conversations), channelRange, {}),
        );
        card(
          row,
          'First response median',
          inUnit(s.total.firstResponseMedianMs, unit),
          change(s.total.firstResponseMedianMs, s.previous.firstResponseMedianMs, true),
        );
        card(row, 'First response p90', inUnit(s.total.firstResponseP90Ms, unit), change(s.total.firstResponseP90Ms, s.previous.firstResponseP90Ms, true));
        card(
          row,
          'Within target',
          C.formatShare(s.total.firstResponseWithinTarget),
          change(s.total.firstResponseWithinTarget, s.previous.firstResponseWithinTarget, false),
        );
        card(row, 'Breached', null, null, C.listLink(String(s.total.firstResponseBreached), channelRange, { breached: 'first_response' }));
        card(row, 'Unanswered', null, null, C.listLink(String(s.total.unanswered), channelRange, { unanswered: '1' }));
        cards.appendChild(row);
      });

      var volume = null;
      if (data.total.conversations === 0) {
        C.emptyState('chart-volume', 'No conversations in this range.');
        C.emptyState('chart-target', 'No conversations in this range.');
      } else {
        volume = C.chart(
          'chart-volume',
          'bar',
          dayLabels(data),
          data.series.map(function (s) {
            return {
              label: s.channel,
              data: s.days.map(function (d) {
                return d.conversations;
              }),
            };
          }),
          {
            scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
            onClick: function (_event, elements) {
              if (elements.length === 0) return;
              var hit = elements[0];
              var s = data.series[hit.datasetIndex];
              if (!s) return; // a spike or event mark, not a channel's bar
              window.location.href = C.listUrl({ from: data.days[hit.index], to: data.days[hit.index], channel: s.channel }, {});
            },
          },
        );
        volume.canvas.dataset.drill = 'day-bar';
        C.chart(
          'chart-target',
          'line',
          dayLabels(data),
          data.series.map(function (s) {
            return {
              label: s.channel,
              data: s.days.map(function (d) {
                // The partial day's share is not final: not drawn rather than drawn as a drop.
                if (d.day === data.partialDay || d.firstResponseWithinTarget === null) return null;
                return Math.round(d.firstResponseWithinTarget * 1000) / 10;
              }),
            };
          }),
          { scales: { y: { beginAtZero: true, max: 100 } } },
        );
      }

      var charts = document.getElementById('response-charts');
      charts.replaceChildren();
      if (
        data.series.every(function (s) {
          return s.total.answered === 0;
        })
      )
        charts.appendChild(C.el('p', 'No answered conversations in this range.', 'empty'));
      else
        data.series.forEach(function (s, index) {
          if (s.total.answered > 0) responseChart(charts, data, s, index);
        });

      var table = document.getElementById('channel-table');
      if (data.series.length === 0) C.emptyState('channel-table', 'No conversations in this range.');
      else
        C.fillTable(
          table,
          ['Channel', 'Conversations', 'Unanswered', 'First response median', 'p90', 'Target', 'Within target', 'Breached', 'Resolution median', 'p90'],
          data.series,
          function (s) {
            var channelRange = { from: range.from, to: range.to, channel: s.channel };
            return [
              C.listLink(s.channel, channelRange, {}),
              C.listLink(String(s.total.conversations), channelRange, {}),
              C.listLink(String(s.total.unanswered), channelRange, { unanswered: '1' }),
              C.formatDuration(s.total.firstResponseMedianMs),
              C.formatDuration(s.total.firstResponseP90Ms),
              C.formatDuration(s.firstResponseTargetMs),
              C.formatShare(s.total.firstResponseWithinTarget),
              C.listLink(String(s.total.firstResponseBreached), channelRange, { breached: 'first_response' }),
              C.formatDuration(s.total.resolutionMedianMs),
              C.formatDuration(s.total.resolutionP90Ms),
            ];
          },
        );
      C.fillTable(
        document.getElementById('target-table'),
        ['Channel', 'First response target', 'Resolution target', 'Measured in', 'Business hours'],
        data.series,
        function (s) {
          return [
            s.channel,
            s.firstResponseTargetMs === null ? 'none' : C.formatDuration(s.firstResponseTargetMs),
            s.resolutionTargetMs === null ? 'none' : C.formatDuration(s.resolutionTargetMs),
            s.targetBasis + ' time',
            s.businessHours === null ? 'open around the clock' : s.businessHours,
          ];
        },
      );
      return C.fetchApi('/api/annotations').then(function (marks) {
        if (volume) drawAnnotations(volume, data, marks.annotations);
        else document.getElementById('annotations').replaceChildren(C.el('li', 'No spike, drop or event in this range.'));
      });
    })
    .finally(C.markDrawn);

  // Spikes, within-target drops and events as marks above the day's volume bar, and as a list (text only).
  function drawAnnotations(volume, data, annotations) {
    var totals = data.days.map(function (_day, index) {
      return data.series.reduce(function (sum, s) {
        return sum + (s.days[index] ? s.days[index].conversations : 0);
      }, 0);
    });
    var kinds = [
      ['spike', 'Spike', 'triangle', '#dc2626'],
      ['target-drop', 'Within-target drop', 'crossRot', '#d97706'],
      ['event', 'Event', 'rectRot', '#111827'],
    ];
    kinds.forEach(function (kind) {
      var texts = data.days.map(function (day) {
        return annotations
          .filter(function (a) {
            return a.kind === kind[0] && a.day === day;
          })
          .map(function (a) {
            return a.text;
          });
      });
      if (
        !texts.some(function (t) {
          return t.length > 0;
        })
      )
        return;
      volume.data.datasets.push({
        type: 'line',
        label: kind[1],
        stack: kind[0],
        showLine: false,
        pointStyle: kind[2],
        pointRadius: 8,
        borderColor: kind[3],
        backgroundColor: kind[3],
        data: totals.map(function (total, index) {
          return texts[index].length > 0 ? total : null;
        }),
        marks: texts,
      });
    });
    volume.options.plugins.tooltip.callbacks = {
      afterLabel: function (item) {
        return item.dataset.marks ? item.dataset.marks[item.dataIndex] : '';
      },
    };
    volume.update();
    var list = document.getElementById('annotations');
    list.replaceChildren();
    if (annotations.length === 0) list.appendChild(C.el('li', 'No spike, drop or event in this range.'));
    annotations.forEach(function (a) {
      list.appendChild(C.el('li', a.day + ' \u2014 ' + a.text, 'mark-' + a.kind));
    });
  }
})();
