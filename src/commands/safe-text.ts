/** Text from files and arguments made fit for one terminal line: no control bytes, bounded length. */

const MAX_LINE = 400;

/** Escapes control and other invisible characters (\x07, \u200b, …) and cuts the text at `max` characters. */
export function safeText(text: string, max = MAX_LINE): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffd]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.length <= max ? escaped : `${escaped.slice(0, max - 1)}…`;
}
