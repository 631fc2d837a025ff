// Fuzzing the readers of untrusted text: the note parser (ours, with and without the readers'
// cap), other tools' notes, and shared content (refs/traces/content). Random and mutated
// realistic inputs, 10,000 cases and more, from a seeded generator: the same cases on every
// run; FUZZ_SEED=<n> tries others, and a failure names its seed and case (FUZZ_DEBUG=1 adds the
// stack). No input may throw, break an invariant, or touch Object.prototype; parse time must
// grow linearly with the input. About 5 s on the 2-core test machine.

import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readOurNote } from "../../src/views/attached.ts";
import { readAtraceNote, readGitAiNote, readHfTracesNote } from "../../src/views/foreign.ts";
import {
  MAX_LINE,
  MAX_NOTE_TRACES,
  mergeIntoNote,
  parseNote,
  removeFromNote,
  TRACES_LINE,
} from "../../src/notes/format.ts";
import { readSharedTrace } from "../../src/content/trace-json.ts";
import { isTraceId } from "../../src/traces/id.ts";

setDefaultTimeout(60_000); // a loaded machine; the whole file takes seconds

const SEED = Number(process.env.FUZZ_SEED ?? 20261120) >>> 0;
/** The traces.com CLI's own pattern (docs/notes-format.md), copied here on purpose. */
const TRACES_COM = /^traces:([a-zA-Z0-9_-]+)(?:\s+(https?:\/\/\S+))?$/;

// ---- a seeded generator ------------------------------------------------------------------

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
const NASTY = [
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u001b]0;x\u0007",
  "\u009b",
  "\u007f",
  "\r",
  "\t",
  "\u202e",
  "\u2028",
  "\ud800",
  "\udfff",
  "\ufffd",
  "é",
  "😀",
  "\\",
  '"',
  "{",
  "}",
  "[",
  "]",
  " ",
  ":",
  "..",
  "/",
  "%00",
];
const KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
  "files",
  "agent",
  "v",
  "tools",
  "tokens",
  "title",
];

function id(r: Rng): string {
  if (r.chance(0.05)) return r.pick(["", "../../etc/passwd", "a b", "x".repeat(129), "é", "__proto__", "constructor"]);
  const n = r.chance(0.5) ? 36 : 1 + r.int(r.chance(0.1) ? 128 : 12);
  let s = "";
  for (let i = 0; i < n; i++) s += ID_CHARS[r.int(ID_CHARS.length)];
  return s;
}

function url(r: Rng): string {
  return (
    r.pick([
      "https://traces.example.com/t/",
      "http://h/",
      "https://huggingface.co/buckets/a/b/tree/main/sessions/",
      "javascript:alert(1)//",
      "file:///etc/",
      "https://a b/",
    ]) +
    id(r) +
    r.pick(["", ".jsonl", ".json", "?q=1", "#x"])
  );
}

function deep(r: Rng): string {
  const d = 1 + r.int(r.chance(0.1) ? 10_000 : 50);
  return r.chance(0.5) ? `${"[".repeat(d)}${"]".repeat(d)}` : `${'{"a":'.repeat(d)}1${"}".repeat(d)}`;
}

function value(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 4 : 7)) {
    case 0:
      return r.int(1000) - 10;
    case 1:
      return r.pick([null, true, false, 1e400, -0, 0.5]);
    case 2:
      return (
        r.pick(["claude-code", "codex", "m1", "src/a.py", "2026-11-20T10:00:00Z", "/etc/shadow", "../x", ""]) +
        (r.chance(0.2) ? r.pick(NASTY) : "")
      );
    case 3:
      return r.pick(NASTY).repeat(1 + r.int(3));
    case 4:
      return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) o[r.pick(KEYS)] = value(r, depth + 1);
      return o;
    }
  }
}

/** A meta object as JSON text, mostly as writers write it, sometimes not at all. */
function metaJson(r: Rng): string {
  const meta: Record<string, unknown> = { v: 1 };
  if (r.chance(0.8)) meta.agent = r.pick(["claude-code", "codex", "cursor", 5, null]);
  if (r.chance(0.6)) meta.model = "claude-sonnet-4-5";
  if (r.chance(0.3)) meta.models = ["a", "b"];
  if (r.chance(0.5)) meta.title = r.chance(0.2) ? r.pick(NASTY).repeat(50) : "Add login";
  if (r.chance(0.6)) meta.files = r.chance(0.1) ? "not a list" : Array.from({ length: r.int(5) }, () => value(r, 3));
  if (r.chance(0.5)) meta.end = r.pick(["2026-11-20T10:06:53Z", "2026-11-20T10:00:00Z", "", "yesterday"]);
  if (r.chance(0.3)) meta.tools = { Edit: r.int(5), Bash: r.chance(0.1) ? "x" : 1 };
  if (r.chance(0.2)) meta[r.pick(KEYS)] = value(r);
  let text = JSON.stringify(meta);
  // Keys JSON.stringify would not write as own keys, and nesting deeper than any writer's.
  if (r.chance(0.1)) text = text.replace(/^\{/, `{"__proto__":{"files":"x","agent":7,"polluted":true},`);
  if (r.chance(0.05)) text = text.replace(/^\{/, `{"constructor":{"prototype":{"polluted":true}},`);
  if (r.chance(0.05)) text = text.replace(/^\{/, `{"deep":${deep(r)},`);
  return text;
}

function noteLine(r: Rng, ids: string[], long = false): string {
  const known = () => (ids.length && r.chance(0.6) ? r.pick(ids) : id(r));
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
      return `traces:${known()}${r.chance(0.3) ? r.pick([" ", "  ", "\t"]) + url(r) : ""}`;
    case 3:
    case 4:
    case 5:
      return `traces-meta:${known()} ${metaJson(r)}`;
    case 6:
      return r.pick(["hf-trace: ", "agent-trace: ", "HF-TRACE:"]) + url(r);
    case 7:
      return r.pick([
        "traces:",
        "traces-meta:",
        "traces-meta:x",
        "traces-meta:x {",
        "traces-meta:x []",
        "#comment",
        "---",
        "  s_abc::t_def 1-2",
      ]);
    case 8:
      // Huge lines, now and then (a long note of them would be megabytes).
      if (long || r.chance(0.85)) return `traces:${known()}${r.pick(["", " ", "\t", " https://x/y z"])}`;
      return r.chance(0.3)
        ? `traces:${"a".repeat(MAX_LINE + r.int(10))}`
        : `traces-meta:${known()} {"title":"${"t".repeat(r.int(2) ? 100 : MAX_LINE)}"}`;
    default:
      return Array.from({ length: 1 + r.int(20) }, () =>
        r.chance(0.3) ? r.pick(NASTY) : ID_CHARS[r.int(ID_CHARS.length)],
      ).join("");
  }
}

function mutate(r: Rng, text: string): string {
  let s = text;
  for (let i = r.int(4); i > 0; i--) {
    const at = r.int(s.length + 1);
    switch (r.int(6)) {
      case 0:
        s = s.slice(0, at) + r.pick(NASTY) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + r.int(10));
        break;
      case 2:
        s = s.slice(0, at) + s.slice(r.int(s.length + 1)).slice(0, 200) + s.slice(at);
        break;
      case 3:
        s = s.replaceAll("\n", "\r\n");
        break;
      case 4:
        s = s.slice(0, at) + "\n" + s.slice(at);
        break;
      default:
        s = s.slice(0, at) + "\ud800" + s.slice(at); // a lone surrogate, as invalid UTF-8 decodes into
    }
  }
  return s;
}

function note(r: Rng): string {
  const ids = Array.from({ length: r.int(4) }, () => id(r));
  const long = r.chance(0.03);
  const lines = Array.from({ length: r.int(long ? 1500 : 12) }, () => noteLine(r, ids, long));
  const text = lines.join(r.chance(0.1) ? "\r\n" : "\n") + (r.chance(0.7) ? "\n" : "");
  return r.chance(0.5) ? mutate(r, text) : text;
}

function gitAiNote(r: Rng): string {
  const sessions: Record<string, unknown> = {};
  const attest: string[] = [];
  for (let i = r.int(6); i > 0; i--) {
    const key = r.chance(0.8) ? `s_${r.int(1e9).toString(16)}` : r.pick(KEYS);
    sessions[key] = r.chance(0.8)
      ? {
          agent_id: {
            tool: r.pick(["claude", "codex", "windsurf", 5]),
            id: r.chance(0.7) ? id(r) : value(r),
            model: value(r),
          },
          messages_url: r.chance(0.5) ? url(r) : value(r),
        }
      : value(r);
    attest.push(
      r.pick(["src/a.py", '"b c.py"', "/abs", "../up", ".git/config", "x/./y"]),
      `  ${key}::t_${r.int(1e6)} 1-${r.int(50)}`,
    );
  }
  const meta = {
    schema_version: r.chance(0.9) ? "authorship/3.0.0" : value(r),
    sessions,
    prompts: r.chance(0.3) ? { abcd: { agent_id: { tool: "cursor", id: id(r) } } } : value(r),
  };
  let json = JSON.stringify(meta);
  if (r.chance(0.1)) json = json.replace(/^\{/, '{"__proto__":{"polluted":true},');
  const text = `${attest.join("\n")}\n---\n${json}\n`;
  return r.chance(0.5) ? mutate(r, text) : text;
}

function sharedJson(r: Rng, traceId: string): string {
  const trace: Record<string, unknown> = {
    id: r.chance(0.9) ? traceId : id(r),
    agent: r.chance(0.9) ? "claude-code" : value(r),
    models: r.chance(0.9) ? ["m1"] : value(r),
    title: "t",
    tools: Array.from({ length: r.int(5) }, () => ({
      kind: r.pick(["read", "edit", "shell", "other", "evil"]),
      name: "Edit",
      ...(r.chance(0.5) ? { paths: [value(r, 3)] } : {}),
    })),
    messages: Array.from({ length: r.int(5) }, () => ({
      role: r.pick(["user", "assistant", "system"]),
      text: String(value(r, 3)),
    })),
    tokens: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, reasoning: r.chance(0.95) ? 0 : "x" },
  };
  if (r.chance(0.5)) trace.transcript = r.pick(["/etc/shadow", "~/.ssh/id_rsa", value(r)]);
  if (r.chance(0.2)) trace[r.pick(KEYS)] = value(r);
  let text = JSON.stringify(trace);
  if (r.chance(0.1)) text = text.replace(/^\{/, '{"__proto__":{"transcript":"/etc/shadow","polluted":true},');
  if (r.chance(0.05)) text = text.replace(/^\{/, `{"deep":${deep(r)},`);
  if (r.chance(0.05)) text = deep(r);
  return r.chance(0.4) ? mutate(r, text) : text;
}

// ---- invariants --------------------------------------------------------------------------
// Checked with plain code (an expect() per item would cost more than the parsing): the
// first broken one throws with what it was.

const HTTP = /^https?:\/\/\S+$/;

function must(ok: unknown, what: string, detail?: unknown): void {
  if (!ok) throw new Error(`${what}${detail === undefined ? "" : `: ${JSON.stringify(detail)?.slice(0, 300)}`}`);
}

function checkParsed(text: string, cap?: number): void {
  const parsed = parseNote(text, cap === undefined ? {} : { maxTraces: cap });
  const ids = new Set(parsed.traces.map((t) => t.id));
  must(ids.size === parsed.traces.length, "an ID twice");
  if (cap !== undefined) must(parsed.traces.length <= cap, "more traces than the cap");
  else must(parsed.leftOut === 0, "left out without a cap");
  must(Number.isSafeInteger(parsed.leftOut) && parsed.leftOut >= 0, "leftOut", parsed.leftOut);
  const lines = text.split("\n").length;
  for (const t of parsed.traces) {
    must(isTraceId(t.id), "an invalid ID", t.id);
    must(t.url === undefined || HTTP.test(t.url), "a URL that is not http(s)", t.url);
    if (t.meta !== undefined) {
      must(Object.getPrototypeOf(t.meta) === Object.prototype, "meta with another prototype");
      must(
        t.meta.files === undefined || (Array.isArray(t.meta.files) && t.meta.files.every((f) => typeof f === "string")),
        "files not strings",
        t.meta.files,
      );
      must(t.meta.agent === undefined || typeof t.meta.agent === "string", "agent not a string", t.meta.agent);
    }
  }
  for (const p of parsed.problems) must(p.line >= 1 && p.line <= lines, "a problem's line out of range", p);
  // Byte compatibility: a traces: line is ours exactly when the traces.com CLI's pattern
  // matches it and its ID is a valid one.
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.startsWith("traces:") || line.length > MAX_LINE) continue;
    const m = TRACES_COM.exec(line);
    must(TRACES_LINE.exec(line)?.[1] === m?.[1], "a traces: line read otherwise than traces.com reads it", line);
    if (m && isTraceId(m[1]) && cap === undefined) must(ids.has(m[1]!), "a valid traces: line not read", line);
  }
}

/** Writers never lose a line: merging nothing keeps every line; removing a trace keeps every other line. */
function checkWriters(text: string): void {
  // The lines as a reader sees them (one \r before each \n is a line end), and as written.
  const lines = (t: string) =>
    new Set(
      t
        .split("\n")
        .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
        .filter((l) => l !== ""),
    );
  const written = (t: string) => new Set(t.split("\n").filter((l) => l !== ""));
  const before = lines(text);
  const merged = written(mergeIntoNote(text, []));
  must(merged.size === before.size && [...before].every((l) => merged.has(l)), "mergeIntoNote changed the lines");
  const gone = new Set(
    parseNote(text)
      .traces.slice(0, 1)
      .map((t) => t.id),
  );
  const kept = lines(removeFromNote(text, gone));
  for (const l of before) {
    const about = TRACES_LINE.exec(l)?.[1] ?? /^traces-meta:([A-Za-z0-9_-]+) \{/.exec(l)?.[1];
    if (about === undefined || !gone.has(about)) must(kept.has(l), "removeFromNote dropped another line", l);
  }
}

/** What a reader gives: capped, valid IDs, http(s) URLs; other tools' file names repo-relative (ours are data, as written). */
function checkRead(
  read: { traces: { id: string; url?: string; files?: string[] }[]; leftOut: number },
  foreign = true,
): void {
  must(read.traces.length <= MAX_NOTE_TRACES, "more traces than the cap");
  must(Number.isSafeInteger(read.leftOut) && read.leftOut >= 0, "leftOut", read.leftOut);
  for (const t of read.traces) {
    must(isTraceId(t.id), "an invalid ID", t.id);
    must(t.url === undefined || HTTP.test(t.url), "a URL that is not http(s)", t.url);
    for (const f of t.files ?? []) {
      must(typeof f === "string", "a file that is not a string", f);
      if (foreign)
        must(
          !f.startsWith("/") &&
            !f.split("/").some((p) => p === ".." || p === "." || p === "" || p.toLowerCase() === ".git"),
          "a file outside the repository",
          f,
        );
    }
  }
}

function checkShared(text: string, traceId: string): void {
  const r = readSharedTrace(text, traceId);
  if ("trace" in r) {
    must(r.trace.id === traceId, "another trace's ID", r.trace.id);
    must(!("transcript" in r.trace) && r.trace.transcript === undefined, "a transcript kept from shared content");
    must(Array.isArray(r.trace.messages) && Array.isArray(r.trace.tools), "messages or tools not lists");
  } else must(typeof r.error === "string" && r.error.length <= 310, "an error that is not a short string", r.error);
}

/** Runs `cases` cases; a failure names the seed and the case to run again. */
function fuzz(name: string, cases: number, one: (r: Rng, i: number) => void): void {
  const r = prng(SEED ^ [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261));
  for (let i = 0; i < cases; i++) {
    try {
      one(r, i);
    } catch (e) {
      if (process.env.FUZZ_DEBUG) console.error(e);
      throw new Error(
        `fuzz "${name}" failed at case ${i} with FUZZ_SEED=${SEED}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}

const PROTO = Object.getOwnPropertyNames(Object.prototype).sort();
const prototypeIntact = () => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).transcript).toBeUndefined();
};

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  test("our notes: 6,000 random and mutated notes, with and without the readers' cap; writers lose nothing", () => {
    fuzz("ours", 6000, (r) => {
      const text = note(r);
      checkParsed(text);
      checkParsed(text, r.chance(0.5) ? MAX_NOTE_TRACES : 1 + r.int(5));
      checkRead(readOurNote(text), false);
      if (r.chance(0.3)) checkWriters(text);
    });
    prototypeIntact();
  });

  test("other tools' notes: 2,000 git-ai logs, atrace and hf-traces notes, random and mutated", () => {
    fuzz("foreign", 2000, (r) => {
      const text = r.chance(0.5) ? gitAiNote(r) : note(r);
      checkRead(readGitAiNote(text));
      checkRead(readAtraceNote(text));
      checkRead(readHfTracesNote(text));
    });
    prototypeIntact();
  });

  test("shared content: 2,000 traces as JSON, random and mutated; never a transcript, never a throw", () => {
    fuzz("shared", 2000, (r) => {
      const traceId = id(r);
      checkShared(sharedJson(r, traceId), traceId);
    });
    prototypeIntact();
  });
});

// ---- linear time -------------------------------------------------------------------------

/** The fastest of a few runs, in ms, each after a full collection: the least disturbed by other work. */
function fastest(run: () => unknown, rounds = 5): number {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    Bun.gc(true);
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Time for input of size 2n over time for size n: about 2 when linear (up to 3 with the
 * garbage collector's and caches' share growing with the heap), 4 and more when quadratic.
 * n is large enough for tens of milliseconds a run; a machine busy with other work gets
 * three tries, the best counts (a quadratic parser never gets under 3).
 */
function expectLinear(make: (n: number) => string, read: (text: string) => unknown, n: number): void {
  const small = make(n);
  const large = make(2 * n);
  read(small); // warm up
  read(large);
  const ratios: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    ratios.push(fastest(() => read(large)) / fastest(() => read(small)));
    if (ratios.at(-1)! < 3) return;
  }
  expect(Math.min(...ratios)).toBeLessThan(3);
}

describe("linear time: twice the input, at most three times the time", () => {
  const uuid = (i: number) => `${i.toString(16).padStart(8, "0")}-0d00-7aef-b735-c77a7fcfe598`;

  test("our note: distinct traces, meta lines, other lines; with and without the cap", () => {
    const make = (n: number) => {
      const lines: string[] = [];
      for (let i = 0; i < n; i++)
        lines.push(
          i % 3 === 0
            ? `traces-meta:${uuid(i)} {"v":1,"agent":"codex","files":["a.py"]}`
            : i % 3 === 1
              ? `traces:${uuid(i)}`
              : `hf-trace: https://h/${i}`,
        );
      return `${lines.join("\n")}\n`;
    };
    expectLinear(make, (t) => parseNote(t), 40_000);
    expectLinear(make, (t) => parseNote(t, { maxTraces: MAX_NOTE_TRACES }), 40_000);
  });

  test("git-ai: many records of one session, each with files of its own", () => {
    const make = (n: number) => {
      const attest: string[] = [];
      const sessions: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        attest.push(`src/f${i}.py`, `  s_${i.toString(16)}::t_0 1-2`);
        sessions[`s_${i.toString(16)}`] = { agent_id: { tool: "claude", id: "one-session", model: `m${i}` } };
      }
      return `${attest.join("\n")}\n---\n${JSON.stringify({ schema_version: "authorship/3.0.0", sessions })}\n`;
    };
    expectLinear(make, readGitAiNote, 8000);
  });

  test("shared content: messages and tool calls", () => {
    const make = (n: number) =>
      JSON.stringify({
        id: "t",
        agent: "codex",
        models: [],
        title: "t",
        tools: Array.from({ length: n }, (_, i) => ({ kind: "edit", name: "apply_patch", paths: [`f${i}`] })),
        messages: Array.from({ length: n }, (_, i) => ({ role: "user", text: `m${i}` })),
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      });
    expectLinear(make, (t) => readSharedTrace(t, "t"), 30_000);
  });
});

// ---- the cap, exactly ----------------------------------------------------------------------

describe("what one note contributes: the first 1,000 traces, the rest counted", () => {
  const n = (i: number) => `s-${i}`;

  test("ours: in order of first mention, meta lines too; URLs and meta of the traces read still count", () => {
    const lines = [`traces-meta:${n(0)} {"agent":"codex"}`];
    for (let i = 0; i < 1500; i++) lines.push(`traces:${n(i)}`, `traces:${n(i)}`);
    lines.push(
      `traces:${n(5)} https://t.example/5`,
      `traces-meta:${n(2000)} {"agent":"x"}`,
      `traces-meta:${n(1)} {"agent":"claude-code"}`,
    );
    const note = parseNote(lines.join("\n"), { maxTraces: MAX_NOTE_TRACES });
    expect(note.traces).toHaveLength(1000);
    expect(note.traces.at(-1)!.id).toBe(n(999));
    expect(note.leftOut).toBe(501);
    expect(note.traces[0]!.meta).toEqual({ agent: "codex" });
    expect(note.traces[1]!.meta).toEqual({ agent: "claude-code" });
    expect(note.traces[5]!.url).toBe("https://t.example/5");
    expect(note.problems).toEqual([
      {
        line: 2002,
        reason: "names more than 1,000 traces: readers leave out this one and every other trace first named after it",
      },
    ]);
    // Writers see everything.
    expect(parseNote(lines.join("\n")).traces).toHaveLength(1501);
    expect(readOurNote(lines.join("\n")).leftOut).toBe(501);
  });

  test("other tools' notes: the same cap, counted", () => {
    const ids = Array.from({ length: 1200 }, (_, i) => n(i));
    expect(readAtraceNote(`${[...ids, ...ids].join("\n")}\n`)).toMatchObject({ leftOut: 200 });
    const hf = ids.map((id) => `hf-trace: https://huggingface.co/x/sessions/claude-${id}.jsonl`);
    const read = readHfTracesNote([...hf, ...hf].join("\n"));
    expect(read.traces).toHaveLength(1000);
    expect(read.leftOut).toBe(200);
    const sessions = Object.fromEntries(
      ids.map((id, i) => [`s_${i.toString(16)}`, { agent_id: { tool: "codex", id } }]),
    );
    const ai = readGitAiNote(`---\n${JSON.stringify({ schema_version: "authorship/3.0.0", sessions })}\n`);
    expect(ai.traces).toHaveLength(1000);
    expect(ai.leftOut).toBe(200);
    expect(readAtraceNote("a\nb\n")).toEqual({
      traces: [expect.objectContaining({ id: "a" }), expect.objectContaining({ id: "b" })],
      leftOut: 0,
    });
  });
});
