// The upload command's text and what it prints: pure, no I/O (docs/upload.md).
//
// The command comes from the user's own config, so it is trusted as a shell command; the
// values put into it and everything it prints are not. `{id}` and `{file}` are replaced by
// shell-quoted values, and a URL is taken from its output only when it is a plain http(s)
// URL that the `traces:` line grammar accepts.

import { TRACES_LINE } from "../notes/format.ts";
import { isTraceId } from "../traces/id.ts";

/** One shell word, whatever the value: '...' with each ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** The command to run: `{id}` and `{file}` become shell-quoted values. Throws on an invalid ID. */
export function expandCommand(template: string, id: string, file: string): string {
  if (!isTraceId(id)) throw new Error(`not a valid trace ID: ${JSON.stringify(id)}`);
  return template.replace(/\{(id|file)\}/g, (_, key: string) => shellQuote(key === "id" ? id : file));
}

/** The longest URL taken from an upload's output. */
export const MAX_URL = 2048;

/**
 * Whether `url` may go into the note line `traces:<id> <url>`: printable ASCII only (no
 * blanks, no terminal escapes), http or https with a host, no user name or password (the
 * note is pushed to every clone), and the traces.com line grammar accepts the line.
 */
export function isUploadUrl(id: string, url: string): boolean {
  if (url.length > MAX_URL || !/^[\x21-\x7e]+$/.test(url)) return false;
  if (!/^https?:\/\//i.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  if (!parsed.hostname || parsed.username || parsed.password) return false;
  // The host as written is the host a browser goes to: no `https:///x`, no `\` that a
  // browser reads as `/` (`https://a.example\@b.example` goes to a.example).
  const written = url.slice(url.indexOf("//") + 2).split(/[/?#]/)[0]!;
  if (written.toLowerCase().replace(/:(80|443)$/, "") !== parsed.host.replace(/:(80|443)$/, "")) return false;
  const m = TRACES_LINE.exec(`traces:${id} ${url}`);
  return Boolean(m && m[1] === id && m[2] === url);
}

/** Terminal controls anywhere in the output: C0 except tab and newlines, DEL, C1, bidi overrides. */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** JSON fields that carry the URL: ours, and the traces.com CLI's (`{"ok":true,"data":{"sharedUrl":...}}`). */
const URL_FIELDS = ["url", "shareUrl", "sharedUrl"] as const;

function urlInJson(text: string): string | null | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // not JSON
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const data = typeof obj.data === "object" && obj.data !== null ? (obj.data as Record<string, unknown>) : {};
  for (const where of [obj, data]) {
    for (const field of URL_FIELDS) {
      if (typeof where[field] === "string") return where[field] as string;
    }
  }
  return null; // JSON without a URL field: the output says no URL
}

/**
 * The URL an upload printed, or null. JSON output (the whole of it, or a line of it) gives
 * its `url`, `shareUrl` or `sharedUrl` field (also under `data`); other output gives the
 * first `http://` or `https://` word, trailing punctuation left out. Output holding
 * terminal controls is refused as a whole, and so is a first URL that is not valid: the
 * first one is the answer, a later one is not tried.
 */
export function urlFromOutput(id: string, stdout: string): string | null {
  if (CONTROLS.test(stdout)) return null;
  const text = stdout.trim();
  const candidates = [
    text,
    ...text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("{") && l !== text),
  ];
  for (const c of candidates) {
    if (!c.startsWith("{")) continue;
    const found = urlInJson(c);
    if (found === undefined) continue;
    return found !== null && isUploadUrl(id, found) ? found : null;
  }
  const m = /(?:^|[\s"'(<[=])(https?:\/\/[^\s"'<>`]+)/i.exec(text);
  if (!m) return null;
  const url = m[1]!.replace(/[.,;:!?)\]}>]+$/, "");
  return isUploadUrl(id, url) ? url : null;
}
