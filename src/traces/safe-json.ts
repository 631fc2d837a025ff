// JSON for output that may reach a terminal. JSON.stringify escapes C0 controls (ESC becomes
// \u001b) but writes DEL, C1 controls (the one-byte CSI U+009B), bidirectional overrides and
// line separators as they are. Here they are escaped too: the same data for a JSON reader,
// nothing a terminal would obey. They can only occur inside strings, so a global replace is safe.

const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
