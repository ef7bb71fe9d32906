(function () {
  'use strict';
  var C = window.SupportlensCharts;
  var ROLE_LABELS = { customer: 'Customer', agent: 'Agent', bot: 'Bot', system: 'System' };

  function time(ms) {
    return ms === null || ms === undefined ? '\u2014' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  }

  function fact(container, label, value, name) {
    var box = C.el('div', null, 'figure');
    box.appendChild(C.el('span', label, 'label'));
    var strong = C.el('strong', value);
    if (name) strong.dataset.fact = name;
    box.appendChild(strong);
    container.appendChild(box);
  }

  var id = window.location.pathname.split('/').pop();
  C.fetchApi('/api/conversations/' + encodeURIComponent(id)).then(function (d) {
    var day = d.facts ? new Date(d.facts.startAt).toISOString().slice(0, 10) : new Date(d.createdAt).toISOString().slice(0, 10);
    var range = { from: day, to: day, channel: d.channel };
    document.querySelector('h1').textContent = 'Conversation ' + d.conversationId;
    var facts = document.getElementById('conversation-facts');
    facts.replaceChildren();
    fact(facts, 'Source', d.source, 'source');
    fact(facts, 'Channel', d.channel, 'channel');
    fact(facts, 'Status', d.status || '\u2014', 'status');
    fact(facts, 'Start', time(d.facts ? d.facts.startAt : d.createdAt), 'start');
    fact(facts, 'Agent', (d.facts && d.facts.agent) || '\u2014', 'agent');
    fact(facts, 'Team', d.team || '\u2014', 'team');
    fact(facts, 'Language', d.language || '\u2014', 'language');
    fact(facts, 'Satisfaction', d.csat || '\u2014', 'csat');
    if (d.facts) {
      fact(
        facts,
        'First response',
        d.facts.unanswered ? 'unanswered for ' + C.formatDuration(d.facts.unansweredAgeMs) : C.formatDuration(d.facts.firstResponseMs),
        'first-response',
      );
      fact(facts, 'Replies', String(d.facts.replyCount), 'replies');
      fact(facts, 'Resolution', C.formatDuration(d.facts.resolutionMs), 'resolution');
      fact(facts, 'Reopened', String(d.facts.reopenCount), 'reopened');
    }
    if (d.subject) {
      var subject = C.el('p', null, 'subject');
      subject.appendChild(C.el('span', 'Subject: ', 'label'));
      subject.appendChild(C.el('span', d.subject, 'customer-text'));
      facts.insertAdjacentElement('afterend', subject);
    }

    var breaches = document.getElementById('conversation-breaches');
    breaches.replaceChildren();
    if (d.breaches.length === 0) breaches.appendChild(C.el('p', 'No target breached.', 'empty'));
    d.breaches.forEach(function (b) {
      breaches.appendChild(
        C.el(
          'p',
          (b.kind === 'first_response' ? 'First response' : 'Resolution') +
            ': ' +
            (b.status === 'waiting' ? 'still waiting after ' : 'took ') +
            C.formatDuration(b.durationMs) +
            ', target ' +
            C.formatDuration(b.targetMs) +
            ' (' +
            b.basis +
            ' time)',
          'breach',
        ),
      );
    });

    var links = document.getElementById('conversation-links');
    links.replaceChildren();
    links.appendChild(C.el('dt', 'Topic'));
    var topic = C.el('dd');
    if (d.topic) {
      topic.appendChild(C.listLink(d.topic.label, { from: range.from, to: range.to }, { topic: d.topic.topicId }));
      topic.appendChild(document.createTextNode(' \u00b7 '));
      var onTopics = C.el('a', 'on the topics page');
      onTopics.href = '/topics?from=' + range.from + '&to=' + range.to + '#topic-' + d.topic.topicId;
      topic.appendChild(onTopics);
    } else topic.textContent = 'none';
    links.appendChild(topic);
    links.appendChild(C.el('dt', 'Best FAQ entry'));
    var faq = C.el('dd');
    if (d.faq) {
      faq.appendChild(C.listLink(d.faq.entryId + (d.faq.title ? ': ' + d.faq.title : ''), { from: range.from, to: range.to }, { faq_entry: d.faq.entryId }));
      faq.appendChild(
        document.createTextNode(' score ' + Math.round(d.faq.score * 1000) / 1000 + (d.faq.covered ? ' (covered)' : ' (not covered)') + ' \u00b7 '),
      );
      var finding = C.el('a', 'FAQ gaps');
      finding.href = '/faq-gaps?from=' + range.from + '&to=' + range.to;
      faq.appendChild(finding);
    } else faq.textContent = 'none';
    links.appendChild(faq);
    links.appendChild(C.el('dt', 'Question (as the reports show it)'));
    links.appendChild(C.el('dd', d.question || '\u2014', 'customer-text'));

    var timeline = document.getElementById('conversation-timeline');
    timeline.replaceChildren();
    var items = [];
    if (d.facts) {
      items.push({ at: d.facts.startAt, text: 'Start' });
      if (d.facts.firstResponseAt !== null)
        items.push({ at: d.facts.firstResponseAt, text: 'First response after ' + C.formatDuration(d.facts.firstResponseMs) });
    }
    if (d.facts)
      d.facts.replyTimesMs.forEach(function (ms, index) {
        items.push({ at: null, text: 'Reply ' + (index + 1) + ' after ' + C.formatDuration(ms) });
      });
    d.events.forEach(function (e) {
      items.push({
        at: e.at,
        text: (e.kind === 'resolved' ? 'Resolved' : e.kind === 'reopened' ? 'Reopened' : 'Assigned') + (e.actor ? ' by ' + e.actor : ''),
      });
    });
    if (d.facts && d.facts.unanswered) items.push({ at: d.asOf, text: 'Still unanswered at the as-of time' });
    items.forEach(function (item) {
      var li = C.el('li', (item.at === null ? '' : time(item.at) + ' \u2014 ') + item.text);
      timeline.appendChild(li);
    });

    var transcript = document.getElementById('conversation-transcript');
    transcript.replaceChildren();
    if (d.messages.length === 0) transcript.appendChild(C.el('li', 'No messages.', 'empty'));
    d.messages.forEach(function (m) {
      var li = C.el('li', null, 'message role-' + m.role + (m.internal ? ' internal' : ''));
      var head = C.el('div', null, 'message-head');
      head.appendChild(C.el('strong', (ROLE_LABELS[m.role] || m.role) + (m.author ? ' ' + m.author : ''), 'role'));
      if (m.internal) head.appendChild(C.el('span', 'internal note', 'badge internal-badge'));
      if (m.firstResponse) head.appendChild(C.el('span', 'first response', 'badge'));
      head.appendChild(C.el('span', ' ' + time(m.at), 'when'));
      li.appendChild(head);
      li.appendChild(C.el('p', m.body + (m.truncated ? ' \u2026 (truncated at ingest)' : ''), 'customer-text'));
      transcript.appendChild(li);
    });
    C.markDrawn();
  });
})();
