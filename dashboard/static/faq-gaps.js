(function () {
  'use strict';
  var C = window.SupportlensCharts;

  C.fetchApi('/api/faq-gaps').then(function (data) {
    if (data.analysisRunId === null) document.getElementById('status').textContent = 'No FAQ matches yet: run "supportlens analyze" with FAQ entries ingested.';
    var top = data.findings.slice(0, 20);
    C.chart('chart-findings', 'bar', top.map(function (f) { return f.verdict + ': ' + f.title; }), [
      { label: 'conversations', data: top.map(function (f) { return f.conversations; }) },
    ], { indexAxis: 'y', scales: { x: { beginAtZero: true } } });
    document.getElementById('comparison').textContent = data.comparedWithReport === null
      ? 'No saved report to compare with: every finding is new.'
      : 'Compared with saved report ' + data.comparedWithReport + ': ' + data.findings.filter(function (f) { return f.status === 'new'; }).length + ' new, ' + data.goneSinceLastReport.length + ' gone.';
    C.fillTable(document.getElementById('finding-table'), ['Verdict', 'Status', 'Priority', 'Title', 'Conversations', 'Growth', 'Summary'],
      data.findings, function (f) {
        return [f.verdict, f.status, String(Math.round(f.priority * 100) / 100), f.title, f.conversations, f.growth === null ? '\u2014' : C.formatShare(f.growth), f.summary];
      });
    var examples = document.getElementById('finding-examples');
    examples.replaceChildren();
    data.findings.forEach(function (f) {
      if (f.examples.length === 0) return;
      var details = C.el('details');
      details.appendChild(C.el('summary', f.verdict + ': ' + f.title));
      var list = C.el('ul', null, 'examples');
      f.examples.forEach(function (example) {
        var item = C.el('li');
        item.appendChild(C.el('code', example.conversationId));
        item.appendChild(document.createTextNode(' '));
        item.appendChild(C.el('q', example.question, 'customer-text'));
        list.appendChild(item);
      });
      details.appendChild(list);
      examples.appendChild(details);
    });
    C.markDrawn();
  });
})();
