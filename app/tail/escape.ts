// Text from a run (messages, step names, data) is untrusted: a line holding ESC [ 2 J or an OSC 52 sequence must not
// clear the operator's terminal or write to the clipboard. Every C0 and C1 control character, and DEL, is printed
// as a visible escape instead.

/** C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  return NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** `text` with every control character written as `\n`, `\t`, `\r` or `\xHH`. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, visible);
}

/**
 * JSON text safe for a terminal. JSON.stringify already writes C0 characters as `\u00XX`, but leaves DEL and the
 * C1 range (U+009B is a one-character CSI on some terminals) raw; they can only occur inside strings, where the
 * `\u00XX` form means the same, so the result parses to the same value.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
