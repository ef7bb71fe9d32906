import { describe, expect, test } from 'vitest';
import { decodeHtmlEntities, htmlToText, looksLikeHtml } from '../../ingest/html-to-text.js';

describe('htmlToText', () => {
  test.each([
    { html: '<p>Hello</p>', text: 'Hello' },
    { html: '<p>One</p><p>Two</p>', text: 'One\n\nTwo' },
    { html: 'line<br>break<br/>again<BR />', text: 'line\nbreak\nagain' },
    { html: '<div>a</div><div>b</div>', text: 'a\nb' },
    { html: '<ul><li>first</li><li>second</li></ul>', text: '• first\n• second' },
    { html: '<b>bold</b> and <i>italic</i> and <a href="https://example.com/x?a=1&amp;b=2">a link</a>', text: 'bold and italic and a link' },
    { html: 'Fish &amp; chips &lt;3 &quot;quoted&quot; &#39;single&#39;', text: 'Fish & chips <3 "quoted" \'single\'' },
    { html: '&#8364;5 &#x1F600; &euro; &mdash; &hellip;', text: '€5 😀 € — …' },
    { html: 'a&nbsp;&nbsp;b', text: 'a b' },
    { html: '&bogus; &#0; &#xD800; &#99999999; & alone', text: '&bogus; &#0; &#xD800; &#99999999; & alone' },
    { html: '<script>alert(1)</script>visible<style>p { color: red }</style>', text: 'visible' },
    { html: '<!-- a comment -->text<!DOCTYPE html>', text: 'text' },
    { html: '<p title="a > b">quoted attribute</p>', text: 'quoted attribute' },
    { html: '1 < 2 and 3 > 2', text: '1 < 2 and 3 > 2' },
    { html: '<p>   lots   of\n\n\n\n   space   </p>', text: 'lots of\n\nspace' },
    { html: '<p>我的提现失败了 😟</p>', text: '我的提现失败了 😟' },
    { html: '<table><tr><td>a</td><td>b</td></tr></table>', text: 'a b' },
    { html: 'no tags at all', text: 'no tags at all' },
    { html: '<p>unclosed <b>tag', text: 'unclosed tag' },
    { html: '<![CDATA[x < y]]>', text: 'x < y' },
    { html: '', text: '' },
  ])('$html', ({ html, text }) => {
    expect(htmlToText(html)).toBe(text);
  });

  test('stays fast on hostile markup (unclosed tags and quotes everywhere)', () => {
    const hostile = '<a "'.repeat(50_000) + "<p x='".repeat(50_000);
    const started = performance.now();
    htmlToText(hostile);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('decodeHtmlEntities and looksLikeHtml', () => {
  test.each([
    { input: '&amp;amp;', output: '&amp;' },
    { input: 'AT&T', output: 'AT&T' },
    { input: '&lt;script&gt;', output: '<script>' },
  ])('decodes $input once', ({ input, output }) => {
    expect(decodeHtmlEntities(input)).toBe(output);
  });

  test.each([
    { text: '<p>x</p>', html: true },
    { text: 'a <br/> b', html: true },
    { text: '1 < 2 > 0', html: false },
    { text: 'plain', html: false },
  ])('$text looks like HTML: $html', ({ text, html }) => {
    expect(looksLikeHtml(text)).toBe(html);
  });
});
