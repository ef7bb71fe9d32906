(function () {
  'use strict';
  var C = window.SupportlensCharts;

  C.fetchApi('/api/topics').then(function (data) {
    var status = document.getElementById('status');
    if (data.analysisRunId === null) status.textContent = 'No topics yet: run "supportlens analyze".';
    if (data.topics.length === 0) {
      C.emptyState('chart-topics', 'No topics in this range.');
      C.emptyState('topic-table', 'No topics in this range.');
      C.markDrawn();
      return;
    }
    var top = data.topics.slice(0, 20);
    C.chart(
      'chart-topics',
      'bar',
      top.map(function (t) {
        return t.label;
      }),
      [
        {
          label: 'conversations',
          data: top.map(function (t) {
            return t.conversations;
          }),
        },
        {
          label: 'previous period',
          data: top.map(function (t) {
            return t.previousConversations;
          }),
        },
      ],
      { indexAxis: 'y', scales: { x: { beginAtZero: true } } },
    );
    C.fillTable(
      document.getElementById('topic-table'),
      ['Topic', 'Top terms', 'Conversations', 'Previous', 'Growth', 'Median first response', 'Unanswered', 'Channels', 'Languages'],
      data.topics,
      function (t) {
        var link = C.el('a', t.label);
        link.href = '#topic-' + t.topicId;
        return [
          link,
          t.topTerms.join(', '),
          C.listLink(String(t.conversations), data.range, { topic: t.topicId }),
          t.previousConversations,
          t.growth === null ? '\u2014' : C.formatShare(t.growth),
          C.formatDuration(t.medianFirstResponseMs),
          C.listLink(String(t.unanswered), data.range, { topic: t.topicId, unanswered: '1' }),
          t.channels
            .map(function (c) {
              return c.channel + ' ' + c.conversations;
            })
            .join(', '),
          t.languages
            .map(function (l) {
              return l.language + ' ' + l.conversations;
            })
            .join(', '),
        ];
      },
    );
    var examples = document.getElementById('topic-examples');
    examples.replaceChildren();
    data.topics.forEach(function (t) {
      var details = C.el('details');
      details.id = 'topic-' + t.topicId;
      details.appendChild(C.el('summary', t.label + ' (' + t.conversations + ')'));
      var list = C.el('ul', null, 'examples');
      t.examples.forEach(function (example) {
        var item = C.el('li');
        item.appendChild(C.listLink(example.conversationId, data.range, { conversation: example.conversationId }));
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
