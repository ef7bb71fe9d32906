// The one place that owns Chart.js defaults and the DOM helpers every page uses. Customer text only ever goes
// through textContent (never parsed as markup), so whatever a customer wrote shows literally.
(function () {
  'use strict';
  /* global Chart */
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  Chart.defaults.plugins.legend.position = 'bottom';

  var PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

  function color(index) {
    return PALETTE[index % PALETTE.length];
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  // The CLI's formatter (format-duration.js, generated from analysis/response-times/duration-text.ts); a dash for none.
  function formatDuration(ms) {
    return window.supportlensFormatDuration(ms) || '\u2014';
  }

  function formatShare(share) {
    return share === null || share === undefined || !isFinite(share) ? '\u2014' : round1(share * 100) + ' %';
  }

  function round1(value) {
    return String(Math.round(value * 10) / 10);
  }

  function toUnit(ms, unitMs) {
    return ms === null || ms === undefined ? null : Math.round((ms / unitMs) * 100) / 100;
  }

  /** Fills a table: headers, then one row per item with the cell texts `cells(item)` returns. */
  function fillTable(table, headers, items, cells) {
    table.replaceChildren();
    var head = el('thead');
    var headRow = el('tr');
    headers.forEach(function (header) {
      headRow.appendChild(el('th', header));
    });
    head.appendChild(headRow);
    table.appendChild(head);
    var body = el('tbody');
    items.forEach(function (item) {
      var row = el('tr');
      cells(item).forEach(function (cell) {
        if (cell instanceof Node) {
          var td = el('td');
          td.appendChild(cell);
          row.appendChild(td);
        } else {
          row.appendChild(el('td', cell));
        }
      });
      body.appendChild(row);
    });
    table.appendChild(body);
  }

  function chart(id, type, labels, datasets, options) {
    var canvas = document.getElementById(id);
    var existing = Chart.getChart(canvas);
    if (existing) existing.destroy();
    return new Chart(canvas, {
      type: type,
      data: {
        labels: labels,
        datasets: datasets.map(function (dataset, index) {
          return Object.assign({ borderColor: color(index), backgroundColor: color(index), spanGaps: true, pointRadius: 2 }, dataset);
        }),
      },
      options: Object.assign({ scales: { y: { beginAtZero: true } } }, options || {}),
    });
  }

  /** The API route of this page with the page's own query string (the filter lives in the URL). */
  function fetchApi(path) {
    var status = document.getElementById('status');
    return fetch(path + window.location.search, { headers: { accept: 'application/json' } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body && body.message ? body.message : 'HTTP ' + response.status);
          return body;
        });
      })
      .then(
        function (body) {
          status.textContent = '';
          status.dataset.state = 'ready';
          return body;
        },
        function (error) {
          status.textContent = 'Could not load the data: ' + error.message;
          status.dataset.state = 'error';
          throw error;
        },
      );
  }

  /**
   * The conversation list behind a number: the range of the data shown (`range` of an API answer), its channel, and
   * what the number counted (`extra`, e.g. { breached: 'first_response' }).
   */
  function listUrl(range, extra) {
    var params = new URLSearchParams();
    params.set('from', range.from);
    params.set('to', range.to);
    if (range.channel) params.set('channel', range.channel);
    Object.keys(extra || {}).forEach(function (key) {
      var value = extra[key];
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    });
    return '/conversations?' + params.toString();
  }

  /** A link (its text set through textContent) to the list behind a number. */
  function listLink(text, range, extra) {
    var link = el('a', text, 'drill');
    link.href = listUrl(range, extra);
    return link;
  }

  /** An empty-state message in place of a chart or table that has nothing to show. */
  function emptyState(id, message) {
    var node = document.getElementById(id);
    if (!node) return;
    var holder = node.closest('.chart') || node;
    var note = el('p', message, 'empty');
    if (holder.tagName === 'TABLE') holder.replaceChildren();
    holder.insertAdjacentElement('afterend', note);
    if (holder.classList.contains('chart')) holder.hidden = true;
  }

  function markDrawn() {
    document.body.dataset.chartsDrawn = String(Math.round(performance.now()));
  }

  window.SupportlensCharts = {
    el: el,
    color: color,
    chart: chart,
    fetchApi: fetchApi,
    fillTable: fillTable,
    formatDuration: formatDuration,
    formatShare: formatShare,
    toUnit: toUnit,
    listUrl: listUrl,
    listLink: listLink,
    emptyState: emptyState,
    markDrawn: markDrawn,
  };
})();
