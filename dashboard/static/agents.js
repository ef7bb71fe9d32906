(function () {
  'use strict';
  var C = window.SupportlensCharts;

  function fill(id, rows, filterName, data) {
    if (rows.length === 0) {
      C.emptyState(id, 'No conversations in this range.');
      return;
    }
    C.fillTable(
      document.getElementById(id),
      [
        filterName === 'agent' ? 'Agent' : 'Team',
        'Channel',
        'Conversations',
        'Unanswered',
        'First response median',
        'p90',
        'Within target',
        'Breached',
        'Resolution median',
        'Reopen rate',
        'Rated',
        'Satisfied',
      ],
      rows,
      function (r) {
        var range = { from: data.range.from, to: data.range.to, channel: r.channel };
        var base = {};
        base[filterName] = r.name;
        return [
          r.name,
          r.channel,
          C.listLink(String(r.conversations), range, base),
          C.listLink(String(r.unanswered), range, Object.assign({ unanswered: '1' }, base)),
          C.formatDuration(r.firstResponseMedianMs),
          C.formatDuration(r.firstResponseP90Ms),
          C.formatShare(r.firstResponseWithinTarget),
          C.listLink(String(r.firstResponseBreached), range, Object.assign({ breached: 'first_response' }, base)),
          C.formatDuration(r.resolutionMedianMs),
          C.formatShare(r.reopenRate),
          r.rated === 0 ? '\u2014' : String(r.rated),
          C.formatShare(r.satisfactionGood),
        ];
      },
    );
  }

  C.fetchApi('/api/agents').then(function (data) {
    fill('agent-table', data.agents, 'agent', data);
    fill('team-table', data.teams, 'team', data);
    C.markDrawn();
  });
})();
