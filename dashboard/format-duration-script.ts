import { formatDuration } from '../analysis/response-times/duration-text.js';

/**
 * The browser's duration formatter, served as /static/format-duration.js: the very function the CLI reports use
 * (analysis/response-times/duration-text.ts), its compiled text, so the dashboard and the CLI write `1h 30m` alike.
 */
export const FORMAT_DURATION_SCRIPT = `// Generated from analysis/response-times/duration-text.ts: the CLI's duration format.
window.supportlensFormatDuration = ${formatDuration.toString()};
`;
