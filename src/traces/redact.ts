// Redaction: every piece of trace content passes here before it leaves the machine
// (design.md section 6). Pure and deterministic: text in, text out, no I/O, no clock.
// What is removed, what is deliberately kept and why: docs/redaction.md.
//
// A removed value becomes a marker naming what it was, `[REDACTED:<kind>]`; the name or
// prefix in front of it stays (`AWS_SECRET_ACCESS_KEY=[REDACTED:secret]`). Markers match
// none of the rules, so redacting twice changes nothing more. The home directory becomes `~`.

import type { Trace } from "./model.ts";
import { cutTitle, dropPartialToken } from "./title.ts";

export interface RedactContext {
  /** The user's home directory; written as `~`. Empty or `/` turns that rule off. */
  home: string;
}

export const REDACTION_KINDS = [
  "private-key",
  "jwt",
  "aws-access-key-id",
  "github-token",
  "gitlab-token",
  "slack-token",
  "slack-webhook",
  "anthropic-key",
  "openai-key",
  "google-api-key",
  "stripe-key",
  "npm-token",
  "pypi-token",
  "huggingface-token",
  "password",
  "bearer-token",
  "basic-auth",
  "secret",
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export const marker = (kind: RedactionKind): string => `[REDACTED:${kind}]`;

/** A marker anywhere in a text: for callers that count or check what was removed. */
export const MARKER = /\[REDACTED:[a-z0-9-]+\]/g;

// ---------------------------------------------------------------------------------------
// Tokens recognisable by their shape alone.

// Not inside a word or an identifier. Prefixes made of letters alone (AKIA, AIza) also turn
// up by chance inside long base64 data, but never at its start: for those, not after `+` or
// `x/` either. The others hold `_` or `-`, which standard base64 lacks.
const EDGE = String.raw`(?<![A-Za-z0-9_+\-])`;
const BASE64_EDGE = String.raw`${EDGE}(?<![A-Za-z0-9+]/)`;

// One alternation, one pass over the text; the first alternative that matches at a
// position wins, so sk-ant- comes before sk-.
const SHAPES: readonly (readonly [RedactionKind, string, edge?: string])[] = [
  // header.payload.signature, each base64url; the header is JSON, so it starts `{"` = eyJ.
  ["jwt", String.raw`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`],
  ["aws-access-key-id", String.raw`(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`, BASE64_EDGE],
  ["github-token", String.raw`(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{30,255}`],
  ["gitlab-token", String.raw`gl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+){0,3}`],
  ["slack-token", String.raw`(?:xox[abprs]-|xapp-)[A-Za-z0-9-]{10,}`],
  ["anthropic-key", String.raw`sk-ant-[A-Za-z0-9_-]{20,}`],
  // sk- then 20+ characters with a digit among them: `sk-some-long-hyphenated-name` stays.
  ["openai-key", String.raw`sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}`],
  ["google-api-key", String.raw`AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`, BASE64_EDGE],
  ["stripe-key", String.raw`[spr]k_(?:live|test)_[A-Za-z0-9]{10,}`],
  ["npm-token", String.raw`npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`],
  ["pypi-token", String.raw`pypi-AgE[A-Za-z0-9_-]{50,}`],
  ["huggingface-token", String.raw`hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9_])`],
];
const SHAPE_RE = new RegExp(SHAPES.map(([, body, edge]) => `${edge ?? EDGE}(${body})`).join("|"), "g");

function redactShapes(text: string): string {
  return text.replace(SHAPE_RE, (...args: unknown[]) => {
    for (let i = 0; i < SHAPES.length; i++) if (args[i + 1] !== undefined) return marker(SHAPES[i]![0]);
    return args[0] as string;
  });
}

// ---------------------------------------------------------------------------------------
// Private keys: the block between its BEGIN and END lines, however its newlines are written
// (real ones, or `\n` escapes in JSON). A block cut short (`head -5 id_rsa`) loses the
// base64 lines that follow its BEGIN line.

const PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----(?:\[REDACTED:private-key\])?/g;
const KEY_SPAN = 32768; // the longest key block looked for (an RSA-16384 key is ~12 kB)

/** A line break, real or JSON-escaped: its length at `i`, or 0. */
function lineBreak(text: string, i: number): number {
  if (text[i] === "\n") return 1;
  if (text[i] === "\r") return text[i + 1] === "\n" ? 2 : 0;
  if (text[i] !== "\\") return 0;
  if (text[i + 1] === "n") return 2;
  return text.startsWith("\\r\\n", i) ? 4 : 0;
}

const PEM_HEADER = /[A-Za-z][A-Za-z-]*: /y; // Proc-Type: 4,ENCRYPTED

/** Where a key line may stop: a line break, the end, or the quote closing a string. */
const endsKeyLine = (text: string, i: number): boolean =>
  i >= text.length ||
  lineBreak(text, i) > 0 ||
  text[i] === '"' ||
  text[i] === "'" ||
  text[i] === "`" ||
  (text[i] === "\\" && text[i + 1] === '"');

/** The end of the base64 and `Header: value` lines that follow a BEGIN line without its END. */
function keyLinesEnd(text: string, from: number): number {
  let end = from; // after the last key line
  let at = from;
  for (;;) {
    const br = lineBreak(text, at);
    if (br === 0) return end;
    let i = at + br;
    PEM_HEADER.lastIndex = i;
    if (PEM_HEADER.test(text)) while (i < text.length && lineBreak(text, i) === 0 && !endsKeyLine(text, i)) i++;
    else while (i < text.length && /[A-Za-z0-9+/=]/.test(text[i]!)) i++;
    if (!endsKeyLine(text, i)) return end; // prose, not a key line
    if (i > at + br) end = i; // blank lines count only when a key line follows
    if (lineBreak(text, i) === 0) return end;
    at = i;
  }
}

function redactPrivateKeys(text: string): string {
  if (!text.includes("PRIVATE KEY")) return text;
  let out = "";
  let pos = 0;
  const nextEnd = new Map<string, number>(); // END line -> where it next occurs: one search each
  PRIVATE_KEY.lastIndex = 0;
  for (let m = PRIVATE_KEY.exec(text); m !== null; m = PRIVATE_KEY.exec(text)) {
    const head = `-----BEGIN ${m[1]}PRIVATE KEY${m[2] ?? ""}-----`;
    const endLine = `-----END ${m[1]}PRIVATE KEY${m[2] ?? ""}-----`;
    const bodyStart = m.index + m[0].length;
    let at = nextEnd.get(endLine);
    if (at === undefined || (at !== -1 && at < bodyStart))
      nextEnd.set(endLine, (at = text.indexOf(endLine, bodyStart)));
    const found = at !== -1 && at - bodyStart <= KEY_SPAN;
    const end = found ? at + endLine.length : keyLinesEnd(text, bodyStart);
    out += text.slice(pos, m.index) + head + marker("private-key") + (found ? endLine : "");
    pos = end;
    PRIVATE_KEY.lastIndex = end;
  }
  return out + text.slice(pos);
}

// ---------------------------------------------------------------------------------------
// Credentials with a known place: URLs, curl's -u, Authorization headers.

/** `scheme://user:password@host`: the password goes, the user and host stay. */
const URL_PASSWORD = /\b([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/)([^\s:/?#@"'<>\\[\]]*):([^\s/@"'<>\\]+)@/g;

/** `curl -u user:password`, `--user=user:password`, on a line that runs curl or wget. */
const CURL_LINE = /\b(?:curl|wget)\b[^\n]*/g;
const CURL_USER = /(\s(?:-u|--user)(?:[ \t]+|=)\\?["']?)([^\s:"'\\]*):([^\s"'\\]+)/g;

/** `Authorization: Bearer x`, `"authorization": "Basic x"`, `-H 'Authorization: token x'`. */
const AUTH_HEADER =
  /\b((?:Proxy-)?Authorization\\?["']?[ \t]*[:=][ \t]*\\?["']?[ \t]*)(Bearer|Basic|Token|Bot)([ \t]+)([A-Za-z0-9._~+/=-]+)/gi;

/** `Bearer <token>` anywhere: 16+ token characters with a digit, so prose stays. */
const BEARER = /(?<![\w-])([Bb]earer[ \t]+)(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*/g;

/** A .netrc entry (`machine host login user password secret`), on one line or several. */
const NETRC =
  /\b((?:machine[ \t\r\n]+\S+|default)[ \t\r\n]+login[ \t\r\n]+\S+[ \t\r\n]+password[ \t\r\n]+)(?!\[REDACTED:)\S+/g;

const SLACK_WEBHOOK = /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g;

/** `$VAR`, `${VAR}`, `${{ secrets.X }}`, `$(cmd)`, `%VAR%`, `<placeholder>`, `{{ template }}`. */
const REFERENCE = /^(?:\$[A-Za-z_]\w*|\$\{.*\}?|\$\(.*|%\w+%|<[^<>]*>|\{\{.*)$/;

// ---------------------------------------------------------------------------------------
// Values after a secret-looking name: `.env` lines, shell, YAML, JSON, INI, code, URL
// query parameters, command-line flags.

/** The name's last part says the value is about a secret, not the secret itself. */
const NOT_A_SECRET = new Set([
  "url",
  "uri",
  "endpoint",
  "host",
  "hostname",
  "domain",
  "port",
  "path",
  "file",
  "dir",
  "directory",
  "length",
  "len",
  "size",
  "count",
  "min",
  "max",
  "limit",
  "ttl",
  "timeout",
  "expiry",
  "expires",
  "expiration",
  "lifetime",
  "age",
  "type",
  "kind",
  "mode",
  "method",
  "scheme",
  "provider",
  "strategy",
  "enabled",
  "disabled",
  "required",
  "header",
  "name",
  "field",
  "param",
  "prefix",
  "suffix",
  "format",
  "version",
  "policy",
  "level",
  "hint",
  "label",
  "pattern",
  "regex",
  "attempts",
  "retries",
]);

const NAME_HINT = /secret|token|pass|pwd|key|credential|auth/i;
const WHOLE_HINT = /secret|passw(?:or)?d|passphrase|apikey|privatekey|accesskey|credential/;

/**
 * Whether a variable, key or flag name says its value is secret. The name is cut into
 * words (at `_`, `-`, `.` and camelCase humps); see docs/redaction.md for the list.
 */
export function isSecretName(name: string): boolean {
  if (!NAME_HINT.test(name)) return false;
  const parts = name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter((p) => p !== "")
    .map((p) => p.toLowerCase());
  const last = parts[parts.length - 1];
  if (last === undefined || NOT_A_SECRET.has(last)) return false;
  const whole = parts.join("");
  if (whole === "pwd" || whole === "oldpwd") return false; // the shell's working directories
  if (WHOLE_HINT.test(whole)) return true;
  return parts.some(
    (p) =>
      p.endsWith("token") ||
      p.endsWith("pwd") ||
      p.endsWith("auth") ||
      p === "pass" ||
      p === "authorization" ||
      p === "authkey",
  );
}

/** Values that are not secrets whatever their name: booleans, nulls, type names, code words. */
const KEEP_WORDS = new Set([
  "true",
  "false",
  "yes",
  "no",
  "on",
  "off",
  "null",
  "nil",
  "none",
  "undefined",
  "required",
  "optional",
  "str",
  "string",
  "number",
  "int",
  "integer",
  "bool",
  "boolean",
  "bytes",
  "any",
  "unknown",
  "object",
  "await",
  "new",
  "this",
  "self",
  "function",
  "lambda",
  "async",
  "not",
  "typeof",
]);

function keepValue(value: string): boolean {
  return (
    value === "" ||
    value.startsWith("[REDACTED:") ||
    /^\d{1,5}$/.test(value) || // a length, count, port or timeout
    !/[A-Za-z0-9]/.test(value) || // `...`, `***`
    KEEP_WORDS.has(value.toLowerCase()) ||
    REFERENCE.test(value)
  );
}

/** A quoted value that an earlier rule already reduced to markers (`"Bearer [REDACTED:jwt]"`). */
const ONLY_MARKERS = /^\s*(?:(?:Bearer|Basic|Token|Bot)\s+)?(?:\[REDACTED:[a-z0-9-]+\]\s*)+$/i;

function isCode(value: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value); // self.password, os.environ
}

/** Where a quoted value ends: its closing quote, else the end of its line. */
function closingQuote(text: string, from: number, quote: string): number {
  const escaped = quote.length === 2; // \" inside JSON-encoded text
  const q = quote[quote.length - 1];
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || c === "\r") return i;
    if (c === "\\") {
      if (escaped && text[i + 1] === q) return i;
      i++;
      continue;
    }
    if (!escaped && c === q) return i;
  }
  return text.length;
}

/** A backslash escape that ends an unquoted value: `\n` in JSON-encoded text, or `\"`. */
const isEscape = (text: string, i: number): boolean => text[i] === "\\" && /["'\\nrt]/.test(text[i + 1] ?? "");

const ENV_STOP = new Set([" ", "\t", "\n", "\r", '"', "'", "`", ";", "&", "|"]);
const CODE_STOP = new Set([...ENV_STOP, ",", "(", ")", "[", "]", "{", "}", "<", ">"]);

interface Span {
  start: number;
  end: number;
}

/**
 * The value after `name<sep>` at `at`, when it should go. `env`: NAME=value with a name in
 * capitals, where the value runs to the next blank. `colon`: YAML-like, an unquoted value must end
 * its line (or the quoted string around it), so `token: string;` and prose stay; after a quoted
 * name (JSON: `"pin": 123456,`) it may also end at `,`, `}` or `]`.
 */
function valueSpan(
  text: string,
  at: number,
  name: string,
  env: boolean,
  colon: boolean,
  quotedName = false,
): Span | undefined {
  let quote: string | undefined;
  const c = text[at];
  if (c === '"' || c === "'" || c === "`") quote = c;
  else if (c === "\\" && (text[at + 1] === '"' || text[at + 1] === "'")) quote = `\\${text[at + 1]}`;
  if (quote !== undefined) {
    const start = at + quote.length;
    const end = closingQuote(text, start, quote);
    const value = text.slice(start, end);
    if (keepValue(value) || ONLY_MARKERS.test(value)) return undefined;
    return { start, end };
  }
  if (text.startsWith("[REDACTED:", at)) return undefined;
  const stop = env ? ENV_STOP : CODE_STOP;
  let end = at;
  while (end < text.length && !stop.has(text[end]!) && !isEscape(text, end)) end++;
  const value = text.slice(at, end);
  if (keepValue(value)) return undefined;
  if (!env) {
    const next = text[end];
    if ((next === "(" || next === "[") && /^[A-Za-z_$][\w$.]*$/.test(value)) return undefined; // a call
    if (isCode(value)) return undefined;
    const lower = value.toLowerCase();
    const words = name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w !== "");
    if (lower === name.toLowerCase() || lower === words[words.length - 1]) return undefined; // password=password
  }
  if (colon) {
    let i = end;
    while (text[i] === " " || text[i] === "\t") i++;
    const endsLine =
      i >= text.length ||
      text[i] === "\n" ||
      text[i] === "\r" ||
      text[i] === '"' ||
      text[i] === "'" ||
      (text[i] === "#" && i > end) ||
      isEscape(text, i) ||
      (quotedName && /[,}\]]/.test(text[i]!));
    if (!endsLine) return undefined;
  }
  return { start: at, end };
}

/**
 * From a name's first character: the name, an optional closing quote or bracket
 * (`"password":`, `env["TOKEN"] =`), the separator and the blanks after it.
 */
const ASSIGNMENT = /(-{0,2}[A-Za-z_][\w.-]{0,100})(\\?["'`]?\]?)([ \t]*)(:=|=|:)(?![=>:/])[ \t]*/y;

const isNameChar = (c: string | undefined): boolean => c !== undefined && /[\w.-]/.test(c);

/** `--password hunter2`: a flag and its value, separated by blanks. */
const FLAG = /(?<![\w-])(--[A-Za-z][\w-]{0,60})[ \t]+/g;

/** Values after a blank-separated flag need to look like a secret: prose says `--token to`. */
const looksSecret = (v: string): boolean => /\d|[^A-Za-z0-9_-]|^.+[A-Z]/.test(v);

function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  let out = "";
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + marker("secret");
    pos = s.end;
  }
  return out + text.slice(pos);
}

// Most keys in a transcript (`"type":`, `"role":`) are not secret-looking: the scan starts
// at the words a secret name contains and widens to the whole name from there.
const HINTS = new RegExp(NAME_HINT.source, "gi");

function redactAssignments(text: string): string {
  const spans: Span[] = [];
  HINTS.lastIndex = 0;
  for (let h = HINTS.exec(text); h !== null; h = HINTS.exec(text)) {
    let start = h.index;
    while (start > 0 && h.index - start < 100 && isNameChar(text[start - 1])) start--;
    let end = h.index + h[0].length;
    while (isNameChar(text[end])) end++;
    HINTS.lastIndex = end;
    if (isNameChar(text[start - 1])) continue; // a name longer than anything we look at
    while (start < h.index && !/[A-Za-z_-]/.test(text[start]!)) start++; // get().password, 2fa_token
    ASSIGNMENT.lastIndex = start;
    const m = ASSIGNMENT.exec(text);
    if (m === null) continue;
    const [all, name, close, blanks, sep] = m as unknown as [string, string, string, string, string];
    if (start + name.length !== end || !isSecretName(name)) continue;
    const env = sep === "=" && blanks === "" && close === "" && !/[a-z]/.test(name);
    const quotedName = /["'`]/.test(close) && /["'`]/.test(text[start - 1] ?? "");
    const span = valueSpan(text, start + all.length, name, env, sep === ":", quotedName);
    if (span) {
      spans.push(span);
      HINTS.lastIndex = Math.max(HINTS.lastIndex, span.end);
    }
  }
  return replaceSpans(text, spans);
}

function redactFlags(text: string): string {
  if (!text.includes("--")) return text;
  const spans: Span[] = [];
  FLAG.lastIndex = 0;
  for (let m = FLAG.exec(text); m !== null; m = FLAG.exec(text)) {
    const name = m[1]!;
    if (!isSecretName(name)) continue;
    const at = m.index + m[0].length;
    if (text[at] === "-") continue;
    const span = valueSpan(text, at, name, true, false);
    if (!span) continue;
    const quoted = span.start !== at;
    if (!quoted && !looksSecret(text.slice(span.start, span.end))) continue;
    spans.push(span);
    FLAG.lastIndex = Math.max(FLAG.lastIndex, span.end);
  }
  return replaceSpans(text, spans);
}

// ---------------------------------------------------------------------------------------
// The home directory.

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

interface Compiled {
  home: string;
  homeRe: RegExp | undefined;
  /** The home path and its folder-name form: one of them is in every match of homeRe. */
  homeHints: readonly string[];
}

// A memo of the last home's regex (traces are redacted one at a time with one home): it
// changes no result, so the functions stay pure in effect.
let lastCompiled: Compiled | undefined;

/**
 * `/home/dev` as a whole path component (not `/home/developer`, not `/srv/home/dev`), and
 * Claude Code's folder name for it (`-home-dev-work-shop`: every other character a dash).
 */
function compile(ctx: RedactContext): Compiled {
  if (lastCompiled && lastCompiled.home === ctx.home) return lastCompiled;
  const home = ctx.home.replace(/(.)[/\\]+$/, "$1");
  let homeRe: RegExp | undefined;
  let homeHints: string[] = [];
  if (home !== "" && home !== "/" && home !== "\\") {
    const slug = home.replace(/[^A-Za-z0-9]/g, "-");
    const path = String.raw`(?<![\w.~-])${escapeRegExp(home)}(?![\w-]|\.[\w.-])`;
    const folder = String.raw`(?<=/)${escapeRegExp(slug)}(?=[-/]|$)`;
    homeRe = new RegExp(`${path}|${folder}`, "g");
    homeHints = [home, slug];
  }
  lastCompiled = { home: ctx.home, homeRe, homeHints };
  return lastCompiled;
}

// ---------------------------------------------------------------------------------------

/** Removes secrets and the home directory from one piece of text. */
export function redactText(text: string, ctx: RedactContext): string {
  return redactWith(text, compile(ctx));
}

function redactWith(text: string, c: Compiled): string {
  let t = redactPrivateKeys(text);
  t = redactShapes(t);
  if (t.includes("hooks.slack.com")) t = t.replace(SLACK_WEBHOOK, `$1${marker("slack-webhook")}`);
  if (t.includes("://")) {
    t = t.replace(URL_PASSWORD, (all, scheme: string, user: string, pass: string) =>
      REFERENCE.test(pass) || pass.startsWith("[REDACTED:") ? all : `${scheme}${user}:${marker("password")}@`,
    );
  }
  if (t.includes("-u") && /\b(?:curl|wget)\b/.test(t)) {
    t = t.replace(CURL_LINE, (line) =>
      line.replace(CURL_USER, (all, flag: string, user: string, pass: string) =>
        REFERENCE.test(pass) || pass.startsWith("[REDACTED:") ? all : `${flag}${user}:${marker("password")}`,
      ),
    );
  }
  if (/authorization/i.test(t)) {
    t = t.replace(AUTH_HEADER, (all, head: string, scheme: string, blank: string, value: string) =>
      KEEP_WORDS.has(value.toLowerCase())
        ? all
        : `${head}${scheme}${blank}${marker(scheme.toLowerCase() === "basic" ? "basic-auth" : "bearer-token")}`,
    );
  }
  if (t.includes("login")) t = t.replace(NETRC, `$1${marker("password")}`);
  if (/earer/.test(t)) t = t.replace(BEARER, `$1${marker("bearer-token")}`);
  t = redactAssignments(t);
  t = redactFlags(t);
  if (c.homeRe && c.homeHints.some((h) => t.includes(h))) t = t.replace(c.homeRe, "~");
  return t;
}

/** Trace fields that identify rather than describe, and must keep their exact form. */
const KEPT_FIELDS = new Set(["id", "agent"]);

function walk(x: unknown, c: Compiled): unknown {
  if (typeof x === "string") return redactWith(x, c);
  if (Array.isArray(x)) return x.map((e) => walk(e, c));
  if (typeof x === "object" && x !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = walk(v, c);
    return out;
  }
  return x;
}

/** How far past the start of its first line with text a prompt is read for its title. */
const TITLE_SPAN = 64 * 1024;

/**
 * The one way a title is made from a prompt: redact, then cut. Cutting first could leave a
 * secret too short for any rule to recognise (`…/ghp_Tt1Uu2Vv3Ww4Xx5Y…`). Only the prompt's
 * first line with text and what follows it (up to 64 KiB, for a secret spanning lines, such
 * as a private key) is redacted; a word the cut leaves partial that may be part of a
 * secret is dropped too (model.ts cutTitle).
 */
export function titleFrom(prompt: string, ctx: RedactContext): string {
  const first = prompt.search(/\S/);
  if (first < 0) return "";
  const start = prompt.lastIndexOf("\n", first) + 1;
  return cutTitle(redactWith(prompt.slice(start, start + TITLE_SPAN), compile(ctx)));
}

/**
 * A title made elsewhere (a note, a snapshot of an older version) made safe to share: redacted,
 * and when it was cut (ends with `…`), without a partial secret at the cut.
 */
export function redactTitle(title: string, ctx: RedactContext): string {
  const t = redactWith(title, compile(ctx));
  return t.endsWith("…") ? `${dropPartialToken(t.slice(0, -1)).trimEnd()}…` : t;
}

/**
 * A copy of a trace with every string field redacted (title, messages, tool commands, URLs,
 * queries, paths, details, cwd, transcript, branch, and any field added later), except the
 * trace ID and agent name. A title cut from the first prompt is made again from it
 * (titleFrom: redacted, then cut); any other title passes redactTitle.
 */
export function redactTrace(trace: Trace, ctx: RedactContext): Trace {
  const c = compile(ctx);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(trace)) out[k] = KEPT_FIELDS.has(k) ? v : walk(v, c);
  const prompt = trace.messages.find((m) => m.role === "user");
  let fromPrompt = false;
  if (prompt) {
    // Made from it by this version, or by one that cut first (a snapshot kept from then).
    const line = cutTitle(prompt.text, Infinity);
    const t = trace.title;
    fromPrompt =
      t === titleFrom(prompt.text, ctx) ||
      t === line ||
      (t.endsWith("…") && t.length > 1 && line.startsWith(t.slice(0, -1)));
  }
  out.title = fromPrompt ? titleFrom(prompt!.text, ctx) : redactTitle(trace.title, ctx);
  return out as Trace;
}
