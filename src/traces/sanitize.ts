// Text from notes and transcripts is untrusted: before anything of it reaches a terminal,
// control characters are made visible instead of being obeyed. One choke point, used by
// every renderer: C0 controls become caret form (ESC -> ^[), DEL ^?, C1 controls cat -v's
// M-^ form (the one-byte CSI U+009B -> M-^[), and bidirectional overrides show as <U+202E>.

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

function visible(c: string, keepNewlines: boolean): string {
  const code = c.charCodeAt(0);
  if (keepNewlines && (c === "\n" || c === "\t")) return c;
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return "^?";
  return `M-^${String.fromCharCode(code - 0x80 + 0x40)}`;
}

/** Anything sanitize() would change; one test is far cheaper than the replacements (log prints thousands of fields). */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

/** Makes every control character visible; newlines and tabs are kept. */
export function sanitize(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => visible(c, true))
    .replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`);
}

/** For one-line fields (titles, branches, IDs): newlines and tabs are made visible too. */
export function sanitizeLine(text: string): string {
  if (!UNSAFE_LINE.test(text)) return text;
  return sanitize(text).replace(/[\n\t]/g, (c) => visible(c, false));
}
