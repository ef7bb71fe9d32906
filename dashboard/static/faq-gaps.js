(function () {
  'use strict';
  var C = window.SupportlensCharts;

  function day(ms) {
    return ms === null || ms === undefined ? '\u2014' : new Date(ms).toISOString().slice(0, 10);
  }

  function describeDrift(drift) {
    return (
      drift.kind +
      ': agents say ' +
      drift.agentsSay +
      ' (' +
      drift.replies +
      ' replies), ' +
      (drift.entrySays ? 'the entry says ' + drift.entrySays.join(', ') : 'the entry does not')
    );
  }

  /** The conversations behind a finding: its topics (and, for TRANSLATE, the language to translate into). */
  function findingLink(f, data) {
    if (f.topicIds.length === 0 || f.conversations === 0) return String(f.conversations);
    var extra = { topic: f.topicIds.join(',') };
    if (f.verdict === 'TRANSLATE' && f.languages.length > 0) extra.language = f.languages[0];
    else if (data.language) extra.language = data.language;
    return C.listLink(String(f.conversations), data.range, extra);
  }

  C.fetchApi('/api/faq-gaps').then(function (data) {
    if (data.analysisRunId === null) document.getElementById('status').textContent = 'No FAQ matches yet: run "supportlens analyze" with FAQ entries ingested.';
    document.getElementById('comparison').textContent =
      data.comparedWithReport === null
        ? 'No saved report to compare with: every finding is new.'
        : 'Compared with saved report ' +
          data.comparedWithReport +
          ': ' +
          data.findings.filter(function (f) {
            return f.status === 'new';
          }).length +
          ' new, ' +
          data.goneSinceLastReport.length +
          ' gone.';
    if (data.findings.length === 0) {
      C.emptyState('chart-findings', 'No findings for this range and filter.');
      C.emptyState('finding-table', 'No findings for this range and filter.');
      C.markDrawn();
      return;
    }
    // The chart shows the first 20 findings in the table's order, top to bottom, numbered as the table is.
    var top = data.findings.slice(0, 20);
    C.chart(
      'chart-findings',
      'bar',
      top.map(function (f, index) {
        return '#' + (index + 1) + ' ' + f.verdict + ': ' + f.title;
      }),
      [
        {
          label: 'conversations',
          data: top.map(function (f) {
            return f.conversations;
          }),
        },
      ],
      { indexAxis: 'y', scales: { x: { beginAtZero: true } } },
    );
    C.fillTable(
      document.getElementById('finding-table'),
      [
        '#',
        'Verdict',
        'Status',
        'Priority',
        'Title',
        'Languages',
        'Conversations',
        'Previous',
        'Growth',
        'Covered',
        'Mean score',
        'Median first response',
        'Entry',
        'Entry last changed',
        'Nearest entry',
        'Summary',
      ],
      data.findings,
      function (f) {
        return [
          '#' + (data.findings.indexOf(f) + 1),
          f.verdict,
          f.status,
          String(Math.round(f.priority * 100) / 100),
          f.title,
          f.languages.join(', '),
          findingLink(f, data),
          f.previousConversations,
          f.growth === null ? '\u2014' : C.formatShare(f.growth),
          C.formatShare(f.coveredShare),
          f.meanScore === null ? '\u2014' : String(Math.round(f.meanScore * 1000) / 1000),
          C.formatDuration(f.medianHandlingMs),
          f.entryId || '\u2014',
          day(f.entryUpdatedAt),
          f.nearestEntryId || '\u2014',
          f.summary,
        ];
      },
    );
    var examples = document.getElementById('finding-examples');
    examples.replaceChildren();
    data.findings.forEach(function (f, index) {
      if (f.examples.length === 0 && f.drift.length === 0 && f.keyTerms.length === 0) return;
      var details = C.el('details');
      details.id = 'finding-' + f.id;
      details.appendChild(C.el('summary', '#' + (index + 1) + ' ' + f.verdict + ': ' + f.title));
      if (f.reasons.length > 0) details.appendChild(C.el('p', 'Reasons: ' + f.reasons.join(', ')));
      if (f.keyTerms.length > 0) details.appendChild(C.el('p', 'Key terms: ' + f.keyTerms.join(', ')));
      if (f.drift.length > 0) {
        var drift = C.el('ul', null, 'drift');
        f.drift.forEach(function (d) {
          drift.appendChild(C.el('li', describeDrift(d), 'customer-text'));
        });
        details.appendChild(C.el('p', 'What agents answer that the entry does not say:'));
        details.appendChild(drift);
      }
      var list = C.el('ul', null, 'examples');
      f.examples.forEach(function (example) {
        var item = C.el('li');
        item.appendChild(C.listLink(example.conversationId, data.range, { conversation: example.conversationId }));
        item.appendChild(document.createTextNode(' (score ' + Math.round(example.score * 1000) / 1000 + ') '));
        item.appendChild(C.el('q', example.question, 'customer-text'));
        list.appendChild(item);
      });
      details.appendChild(list);
      examples.appendChild(details);
    });
    C.markDrawn();
  });
})();
