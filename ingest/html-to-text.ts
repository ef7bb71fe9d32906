/** Elements whose start or end is a line break in the text a reader sees. */
const BLOCK_ELEMENTS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);
/** Elements whose content is never text for a reader. */
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'head', 'template', 'noscript']);

/** The named entities that helpdesk editors emit; anything else is left as written. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  deg: '°',
  times: '×',
  divide: '÷',
  plusmn: '±',
  sect: '§',
  para: '¶',
  iexcl: '¡',
  iquest: '¿',
  shy: '',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  atilde: 'ã',
  aring: 'å',
  ccedil: 'ç',
  iacute: 'í',
  igrave: 'ì',
  icirc: 'î',
  iuml: 'ï',
  ntilde: 'ñ',
  oacute: 'ó',
  ograve: 'ò',
  ocirc: 'ô',
  ouml: 'ö',
  otilde: 'õ',
  oslash: 'ø',
  uacute: 'ú',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  szlig: 'ß',
  Eacute: 'É',
  Aacute: 'Á',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  Ntilde: 'Ñ',
  Ccedil: 'Ç',
};

const ENTITY_PATTERN = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;
const TAG_PATTERN =
  /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)\/?>/g;

/**
 * Decodes HTML character references: numeric (`&#233;`, `&#xE9;`) and the common named ones. Unknown names and
 * code points that are not characters (surrogates, beyond U+10FFFF, NUL) are left as written.
 *
 * @example
 * decodeHtmlEntities('Fish &amp; chips &#8364;5'); // 'Fish & chips €5'
 */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY_PATTERN, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return String.fromCodePoint(code);
    }
    return Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name]! : whole;
  });
}

/**
 * Turns an HTML body (Intercom parts, Zendesk `html_body`) into the plain text a reader sees: tags dropped, block
 * elements and `<br>` as line breaks, list items on their own lines, script and style content removed, entities
 * decoded, runs of blank space collapsed. Never throws; text without tags passes through with entities decoded.
 * Not a sanitiser: the result is text, to be escaped wherever it is shown.
 *
 * @example
 * htmlToText('<p>Hi&nbsp;there,</p><p>Your <b>deposit</b> arrived.</p>'); // 'Hi there,\n\nYour deposit arrived.'
 */
export function htmlToText(html: string): string {
  let text = '';
  let hiddenDepth = 0;
  let last = 0;
  TAG_PATTERN.lastIndex = 0;
  for (let match = TAG_PATTERN.exec(html); match !== null; match = TAG_PATTERN.exec(html)) {
    if (hiddenDepth === 0) text += html.slice(last, match.index);
    last = TAG_PATTERN.lastIndex;
    const [, cdata, closing, rawName] = match;
    if (cdata !== undefined) {
      if (hiddenDepth === 0) text += cdata.replace(/&/g, '&amp;');
      continue;
    }
    if (rawName === undefined) continue; // a comment, doctype or processing instruction
    const name = rawName.toLowerCase();
    if (HIDDEN_ELEMENTS.has(name)) {
      hiddenDepth = Math.max(0, hiddenDepth + (closing ? -1 : 1));
      continue;
    }
    if (hiddenDepth > 0) continue;
    if (name === 'br') text += '\n';
    else if (name === 'li' && !closing) text = endLines(text, 1) + '• ';
    else if (name === 'p' || name === 'blockquote' || name === 'pre' || /^h[1-6]$/.test(name)) text = endLines(text, 2);
    else if (name === 'td' || name === 'th') text += closing ? '' : '\t';
    else if (BLOCK_ELEMENTS.has(name)) text = endLines(text, 1);
  }
  if (hiddenDepth === 0) text += html.slice(last);
  return collapseSpace(decodeHtmlEntities(text));
}

/** Ends the text with at least `count` line breaks (none at the very start), so nested blocks do not pile up blank lines. */
function endLines(text: string, count: number): string {
  let have = 0;
  // Looking back a little is enough: collapseSpace removes whatever blank space is left.
  for (let i = text.length - 1; i >= 0 && have < count && i >= text.length - 64; i--) {
    const char = text[i];
    if (char === '\n') have += 1;
    else if (char !== ' ' && char !== '\t') break;
  }
  return text === '' ? text : text + '\n'.repeat(count - have);
}

function collapseSpace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when the text holds something that looks like an HTML tag. */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/.test(text);
}
