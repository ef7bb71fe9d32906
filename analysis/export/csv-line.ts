/** A value of a CSV cell; null and undefined become empty cells. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * One RFC 4180 line (with its CRLF-free `\n` ending): cells with a comma, quote, CR or LF are quoted, quotes doubled.
 * A cell starting with `=`, `+`, `-`, `@` that is text (not a number) is prefixed with `'`, so spreadsheet programs
 * do not run customer-provided text as a formula.
 *
 * @example
 * csvLine(['a,b', 3, null]); // '"a,b",3,\n'
 */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}

/**
 * One CSV cell, the project's only cell writer (exports, the topics and FAQ-gaps CSV reports): quoted when it holds a
 * comma, quote, CR or LF; text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (never run as a formula).
 *
 * @example
 * csvCell('=1+1'); // "'=1+1"
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
