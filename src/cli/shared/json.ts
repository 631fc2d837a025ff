// JSON for --json: pretty, one trailing newline, and no character a terminal could obey.
// JSON.stringify escapes C0 controls but writes DEL, C1 controls (U+0080-U+009F, the
// one-byte CSI among them), line/paragraph separators and bidirectional overrides as they
// are; they only ever occur inside strings, where \u escapes mean the same.

const UNSAFE = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
