// The pure parts of sharing: which version of a trace a merge keeps, the three-way merge of
// content entries, the shared form and its bytes, checks on JSON read back, and the snapshot
// store's files.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { laterVersion, mergeEntries } from "../../src/content/content.ts";
import { readSnapshot, snapshotFile, writeSnapshot } from "../../src/content/snapshots.ts";
import { canonicalJson, decodeTraceText, sharedForm } from "../../src/content/trace-json.ts";
import { emptyTokens, type Trace } from "../../src/traces/model.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function trace(over: Partial<Trace> = {}): Trace {
  return {
    id: "s-1",
    agent: "claude-code",
    models: ["claude-sonnet-4-5-20250929"],
    title: "Fix login",
    start: "2026-11-20T10:00:00.000Z",
    end: "2026-11-20T10:06:00.000Z",
    cwd: "/home/dev/work/shop",
    transcript: "/home/dev/.claude/projects/-home-dev-work-shop/s-1.jsonl",
    tools: [{ kind: "shell", name: "Bash", command: `AWS_SECRET_ACCESS_KEY=${SECRET} pytest -q` }],
    messages: [{ role: "user", text: `Fix login; export AWS_SECRET_ACCESS_KEY=${SECRET}` }],
    tokens: emptyTokens(),
    ...over,
  };
}

describe("laterVersion", () => {
  const v = (end: string | undefined, extra = "") => canonicalJson({ id: "s-1", ...(end ? { end } : {}), x: extra });
  test.each([
    ["the later end", v("2026-11-20T10:05:00Z"), v("2026-11-20T10:03:00Z", "much longer text here"), 0],
    ["an end over none", v(undefined, "longer and longer"), v("2026-11-20T10:00:00Z"), 1],
    ["same end: the larger JSON", v("2026-11-20T10:05:00Z", "ab"), v("2026-11-20T10:05:00Z", "a"), 0],
    ["same end and size: the greater bytes", v("2026-11-20T10:05:00Z", "b"), v("2026-11-20T10:05:00Z", "a"), 0],
    ["not JSON loses to a trace with an end", "garbage", v("2026-11-20T10:05:00Z"), 1],
  ] as const)("%s", (_name, a, b, winner) => {
    const expected = winner === 0 ? a : b;
    expect(laterVersion(a, b)).toBe(expected);
    expect(laterVersion(b, a)).toBe(expected); // symmetric: every clone picks the same
  });
});

describe("mergeEntries", () => {
  const m = (o: Record<string, string>) => new Map(Object.entries(o));
  const pick = (_id: string, a: string, b: string) => (a > b ? a : b);
  test("both sides' new entries are kept", () => {
    expect(Object.fromEntries(mergeEntries(m({}), m({ a: "1" }), m({ b: "2" }), pick))).toEqual({ a: "1", b: "2" });
  });
  test("a change on one side is taken; both changed: pick", () => {
    expect(
      Object.fromEntries(mergeEntries(m({ a: "1", b: "1" }), m({ a: "2", b: "3" }), m({ a: "1", b: "4" }), pick)),
    ).toEqual({ a: "2", b: "4" });
  });
  test("a removal on one side stays removed; removed on one side and changed on the other: removed", () => {
    expect(
      Object.fromEntries(
        mergeEntries(m({ a: "1", b: "1", c: "1" }), m({ b: "1", c: "2" }), m({ a: "1", c: "1" }), pick),
      ),
    ).toEqual({ c: "2" });
    expect(Object.fromEntries(mergeEntries(m({ a: "1" }), m({}), m({ a: "2" }), pick))).toEqual({});
  });
});

describe("the shared form", () => {
  test("redacted, with the home as ~, and no transcript path", () => {
    const s = sharedForm(trace(), "/home/dev");
    expect(s.transcript).toBeUndefined();
    expect(s.cwd).toBe("~/work/shop");
    expect(JSON.stringify(s)).not.toContain(SECRET);
    expect(s.tools[0]!.command).toBe("AWS_SECRET_ACCESS_KEY=[REDACTED:secret] pytest -q");
    expect(s.id).toBe("s-1");
  });
  test("canonical bytes: keys sorted at every level, no blanks, one final newline; the same for the same trace", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}\n',
    );
    const one = canonicalJson(sharedForm(trace(), "/home/dev"));
    const reordered = trace();
    const two = canonicalJson(
      sharedForm(Object.fromEntries(Object.entries(reordered).reverse()) as Trace, "/home/dev"),
    );
    expect(two).toBe(one);
    expect(canonicalJson(sharedForm(decodeTraceText(one, "s-1")!, "/home/other"))).toBe(one); // idempotent
  });
  test("JSON read back must be a trace of the model with the ID asked for", () => {
    const good = canonicalJson(sharedForm(trace(), "/home/dev"));
    expect(decodeTraceText(good, "s-1")?.id).toBe("s-1");
    expect(decodeTraceText(good, "s-2")).toBeNull();
    expect(decodeTraceText("{", "s-1")).toBeNull();
    expect(decodeTraceText(canonicalJson({ id: "s-1", agent: "claude-code" }), "s-1")).toBeNull();
    expect(decodeTraceText(canonicalJson({ ...trace(), id: "../etc" }), "../etc")).toBeNull();
  });
});

describe("snapshots", () => {
  const home = mkdtempSync(join(tmpdir(), "git-traces-snapshots-"));
  const env = { GIT_TRACES_HOME: home };
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  test("written atomically, 0600 in a 0700 folder, again only when changed", () => {
    expect(writeSnapshot(env, trace(), "transcript")).toBe(true);
    expect(writeSnapshot(env, trace(), "transcript")).toBe(false);
    expect(statSync(join(home, "snapshots")).mode & 0o777).toBe(0o700);
    expect(statSync(snapshotFile(env, "s-1")).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(home, "snapshots"))).toEqual(["s-1.json"]);
    const snap = readSnapshot(env, "s-1")!;
    expect(snap.source).toBe("transcript");
    expect(snap.trace.messages[0]!.text).toContain(SECRET); // never leaves the machine: not redacted
    expect(writeSnapshot(env, trace({ end: "2026-11-20T10:09:00.000Z" }), "transcript")).toBe(true);
    expect(readSnapshot(env, "s-1")!.trace.end).toBe("2026-11-20T10:09:00.000Z");
  });
  test("IDs are checked before any path; a damaged file is no snapshot", () => {
    expect(() => snapshotFile(env, "../../etc/passwd")).toThrow("not a trace ID");
    expect(readSnapshot(env, "../x")).toBeNull();
    expect(() => writeSnapshot(env, trace({ id: "a/b" }), "shared")).toThrow("not a trace ID");
    writeFileSync(snapshotFile(env, "s-2"), "{not json");
    expect(readSnapshot(env, "s-2")).toBeNull();
    writeFileSync(snapshotFile(env, "s-3"), JSON.stringify({ v: 1, source: "transcript", trace: trace() }));
    expect(readSnapshot(env, "s-3")).toBeNull(); // holds another ID
  });
});
