(function () {
  'use strict';
  var C = window.SupportlensCharts;

  function time(ms) {
    return ms === null ? '\u2014' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  }

  C.fetchApi('/api/runs').then(function (data) {
    var runs = data.ingestRuns.slice().reverse();
    C.chart(
      'chart-runs',
      'bar',
      runs.map(function (r) {
        return '#' + r.id;
      }),
      [
        {
          label: 'inserted',
          data: runs.map(function (r) {
            return r.recordsInserted;
          }),
        },
        {
          label: 'updated',
          data: runs.map(function (r) {
            return r.recordsUpdated;
          }),
        },
        {
          label: 'unchanged',
          data: runs.map(function (r) {
            return r.recordsUnchanged;
          }),
        },
        {
          label: 'rejected',
          data: runs.map(function (r) {
            return r.recordsRejected;
          }),
        },
      ],
      { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    );
    C.fillTable(
      document.getElementById('ingest-table'),
      ['Run', 'Started', 'Finished', 'Status', 'Files', 'Read', 'Inserted', 'Updated', 'Unchanged', 'Rejected', 'Rejects and warnings', 'Error'],
      data.ingestRuns,
      function (r) {
        var link = C.el('a', String(r.rejects));
        link.href = '/runs?run=' + r.id;
        return [
          '#' + r.id,
          time(r.startedAt),
          time(r.finishedAt),
          r.status,
          r.files,
          r.recordsRead,
          r.recordsInserted,
          r.recordsUpdated,
          r.recordsUnchanged,
          r.recordsRejected,
          link,
          r.error || '',
        ];
      },
    );
    C.fillTable(document.getElementById('analysis-table'), ['Run', 'Started', 'Finished', 'Status', 'Analyses', 'Error'], data.analysisRuns, function (r) {
      return [
        '#' + r.id,
        time(r.startedAt),
        time(r.finishedAt),
        r.status,
        r.analyses
          .map(function (a) {
            return a.name + (a.durationMs === null ? '' : ' ' + C.formatDuration(a.durationMs));
          })
          .join(', '),
        r.error || '',
      ];
    });
    C.fillTable(document.getElementById('reject-table'), ['Run', 'File', 'Line', 'Kind', 'Reason', 'Raw'], data.rejects, function (r) {
      return ['#' + r.runId, r.path, r.line === null ? '' : r.line, r.kind, r.reason, C.el('code', r.raw + (r.rawTruncated ? ' …' : ''), 'customer-text')];
    });
    C.markDrawn();
  });
})();
