(function () {
  'use strict';
  var C = window.SupportlensCharts;

  function time(ms) {
    return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  }

  C.fetchApi('/api/conversations').then(function (data) {
    var summary = document.getElementById('list-summary');
    summary.dataset.total = String(data.total);
    summary.textContent =
      data.total +
      ' conversation' +
      (data.total === 1 ? '' : 's') +
      ' from ' +
      data.range.from +
      ' to ' +
      data.range.to +
      (data.range.channel ? ' on ' + data.range.channel : '') +
      '; ages as of ' +
      time(data.asOf) +
      '.';
    var download = document.getElementById('download-csv');
    var query = new URLSearchParams(window.location.search);
    query.delete('after');
    download.href = '/api/conversations.csv?' + query.toString();
    var table = document.getElementById('conversation-table');
    if (data.rows.length === 0) {
      C.emptyState('conversation-table', 'No conversation matches this filter.');
    } else {
      C.fillTable(
        table,
        [
          'Conversation',
          'Channel',
          'Start',
          'Agent',
          'Team',
          'Language',
          'Topic',
          'First response',
          'Unanswered for',
          'Resolution',
          'Reopened',
          'FAQ entry',
          'Question',
        ],
        data.rows,
        function (r) {
          var link = C.el('a', r.conversationId, 'conversation-link');
          link.href = '/conversations/' + r.id;
          var topic = r.topicId === null ? '' : C.listLink(r.topicLabel || String(r.topicId), data.range, { topic: r.topicId });
          return [
            link,
            r.channel,
            time(r.startAt),
            r.agent || '',
            r.team || '',
            r.language || '',
            topic,
            C.formatDuration(r.firstResponseMs),
            r.unansweredAgeMs === null ? '' : C.formatDuration(r.unansweredAgeMs),
            C.formatDuration(r.resolutionMs),
            r.reopenCount,
            r.faqEntryId || '',
            C.el('span', r.question || '', 'customer-text'),
          ];
        },
      );
    }
    var next = document.getElementById('next-page');
    if (data.next !== null) {
      query.set('after', data.next);
      next.href = '/conversations?' + query.toString();
      next.hidden = false;
    }
    C.markDrawn();
  });
})();
