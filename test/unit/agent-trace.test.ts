// Agent Trace records from crafted inputs: the attribution rules, IDs, hashes, URLs and
// model IDs, every record checked against the spec's JSON Schema and our valibot schema.

import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import {
  AgentTraceRecordSchema,
  buildRecord,
  contentHash,
  fileUri,
  recordId,
  toUri,
  uuidV5,
  type LocalTrace,
  type RecordInput,
} from "../../src/views/agent-trace.ts";
import type { AttachedTrace } from "../../src/views/attached.ts";
import type { FileAdditions } from "../../src/views/diff-hunks.ts";
import { modelId, providerOf } from "../../src/traces/model-id.ts";
import { safeJson } from "../../src/traces/safe-json.ts";
import { schemaErrors } from "../helpers/agent-trace-schema.ts";

const OID = "13b69414d492d5d6ff51f268554c2ce73b5bde42";
const PARENT = "f4bac8f7d97162c9380efa6b1b0f693543b37412";
const OTHER = "1b13c1090bf775bd6618ba7711ee4cbbccd406f0";
const enc = new TextEncoder();

function file(path: string, ...ranges: [number, number, string][]): FileAdditions {
  return { path, ranges: ranges.map(([start, end, t]) => ({ start, end, bytes: enc.encode(t) })) };
}

function trace(id: string, extra: Partial<AttachedTrace> = {}): AttachedTrace {
  return { id, source: "git-traces", models: [], ...extra };
}

function record(over: Partial<RecordInput> = {}) {
  const input: RecordInput = {
    commit: { oid: OID, parents: [PARENT], date: "2026-11-20T10:08:00+00:00" },
    traces: [],
    files: [],
    local: new Map<string, LocalTrace>(),
    toolVersion: "0.1.0",
    ...over,
  };
  const r = buildRecord(input);
  expect(schemaErrors(r)).toEqual([]);
  expect(v.safeParse(AgentTraceRecordSchema, r).success).toBe(true);
  return r;
}

describe("buildRecord with line ranges in the notes", () => {
  test("each conversation holds its trace's lines; the rest is human; hashes cover exactly those lines", () => {
    const a = trace("a-1", { agent: "claude-code", files: ["m.py"], lines: { "m.py": [[2, 3]] } });
    const b = trace("b-1", { agent: "codex", files: ["m.py"], lines: { "m.py": [[5, 5]] } });
    const r = record({ traces: [a, b], files: [file("m.py", [1, 5, "h1\na2\na3\nh4\nb5\n"])] });
    const conv = r.files[0]!.conversations.map((c) => [
      c.contributor.type,
      c.ranges.map((x) => [x.start_line, x.end_line, x.content_hash]),
    ]);
    expect(conv).toEqual([
      ["ai", [[2, 3, contentHash(enc.encode("a2\na3\n"))]]],
      ["ai", [[5, 5, contentHash(enc.encode("b5\n"))]]],
      [
        "human",
        [
          [1, 1, contentHash(enc.encode("h1\n"))],
          [4, 4, contentHash(enc.encode("h4\n"))],
        ],
      ],
    ]);
  });

  test("lines no range holds go to a trace that lists the file without ranges", () => {
    const a = trace("a-1", { files: ["m.py"], lines: { "m.py": [[1, 1]] } });
    const loose = trace("l-1", { files: ["m.py"] });
    const r = record({ traces: [a, loose], files: [file("m.py", [1, 2, "x\ny\n"])] });
    expect(r.files[0]!.conversations.map((c) => [c.contributor.type, c.ranges.map((x) => x.start_line)])).toEqual([
      ["ai", [1]],
      ["ai", [2]],
    ]);
  });
});

describe("buildRecord", () => {
  const claude = trace("claude-1", {
    agent: "claude-code",
    models: ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
    title: "Add login",
    files: ["src/auth.py"],
    url: "https://traces.example.com/t/claude-1",
  });
  const codex = trace("codex-1", { agent: "codex", models: ["gpt-5-codex"], files: ["tests/test_auth.py"] });

  test("the record's frame: version, deterministic ID, commit date, vcs, tool, metadata", () => {
    const r = record({ traces: [claude], files: [file("src/auth.py", [2, 4, "a\nb\nc\n"])] });
    expect(r.version).toBe("0.1.0");
    expect(r.id).toBe(recordId(OID));
    expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.timestamp).toBe("2026-11-20T10:08:00+00:00");
    expect(r.vcs).toEqual({ type: "git", revision: OID });
    expect(r.tool).toEqual({ name: "git-traces", version: "0.1.0" });
    expect(r.metadata["dev.git-traces"]).toEqual({
      diff_base: PARENT,
      traces: [
        {
          id: "claude-1",
          source: "git-traces",
          agent: "claude-code",
          models: ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
          title: "Add login",
          files: ["src/auth.py"],
        },
      ],
    });
  });

  test("two sessions on different files: each file names its own conversation", () => {
    const r = record({
      traces: [claude, codex],
      files: [file("tests/test_auth.py", [1, 2, "x\ny\n"]), file("src/auth.py", [2, 4, "a\nb\nc\n"], [9, 9, "z\n"])],
    });
    expect(r.files.map((f) => f.path)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(r.files[0]!.conversations).toEqual([
      {
        url: "https://traces.example.com/t/claude-1",
        contributor: { type: "ai", model_id: "anthropic/claude-sonnet-4-5-20250929" },
        ranges: [
          { start_line: 2, end_line: 4, content_hash: contentHash(enc.encode("a\nb\nc\n")) },
          { start_line: 9, end_line: 9, content_hash: contentHash(enc.encode("z\n")) },
        ],
      },
    ]);
    expect(r.files[1]!.conversations).toEqual([
      {
        contributor: { type: "ai", model_id: "openai/gpt-5-codex" },
        ranges: [{ start_line: 1, end_line: 2, content_hash: contentHash(enc.encode("x\ny\n")) }],
      },
    ]);
  });

  test("two sessions on one file: both conversations carry all of its lines", () => {
    const both = trace("codex-2", { models: ["gpt-5-codex"], files: ["src/auth.py"] });
    const r = record({ traces: [claude, both], files: [file("src/auth.py", [1, 1, "a\n"])] });
    expect(r.files[0]!.conversations.map((c) => c.contributor.model_id)).toEqual([
      "anthropic/claude-sonnet-4-5-20250929",
      "openai/gpt-5-codex",
    ]);
    expect(r.files[0]!.conversations[0]!.ranges).toEqual(r.files[0]!.conversations[1]!.ranges);
  });

  test("a file no session edited is human; unknown when a note does not list its files", () => {
    const files = [file("src/auth.py", [1, 1, "a\n"]), file("README.md", [3, 3, "by hand\n"])];
    const r = record({ traces: [claude], files });
    expect(r.files.find((f) => f.path === "README.md")!.conversations).toEqual([
      {
        contributor: { type: "human" },
        ranges: [{ start_line: 3, end_line: 3, content_hash: contentHash(enc.encode("by hand\n")) }],
      },
    ]);
    const bare = trace("bare-1", { url: "https://traces.example.com/t/bare-1" });
    const u = record({ traces: [claude, bare], files });
    expect(u.files.find((f) => f.path === "README.md")!.conversations[0]!.contributor).toEqual({ type: "unknown" });
    expect(u.metadata["dev.git-traces"].traces[1]).toEqual({ id: "bare-1", source: "git-traces", models: [] });
  });

  test("a merge: diffed against its first parent, files no session edited left out", () => {
    const r = record({
      commit: { oid: OID, parents: [PARENT, OTHER], date: "2026-11-20T10:08:00Z" },
      traces: [claude],
      files: [file("src/auth.py", [1, 1, "a\n"]), file("merged.txt", [1, 9, "x\n"])],
    });
    expect(r.files.map((f) => f.path)).toEqual(["src/auth.py"]);
    expect(r.metadata["dev.git-traces"].diff_base).toBe(PARENT);
  });

  test("a root commit has no diff base; a commit with traces and no added line has no files", () => {
    expect(
      record({ commit: { oid: OID, parents: [], date: "2026-11-20T10:08:00Z" }, traces: [claude] }).metadata[
        "dev.git-traces"
      ].diff_base,
    ).toBeNull();
    expect(record({ traces: [claude] }).files).toEqual([]);
  });

  test("URLs: the note's first, else the transcript on this machine, else none", () => {
    const noUrl = trace("local-1", { files: ["a"] });
    const local = new Map<string, LocalTrace>([
      [
        "local-1",
        { url: "file:///home/dev/.claude/projects/x/local-1.jsonl", model: "claude-haiku-4-5", provider: "anthropic" },
      ],
    ]);
    const files = [file("a", [1, 1, "a\n"])];
    expect(record({ traces: [noUrl], files, local }).files[0]!.conversations[0]).toMatchObject({
      url: "file:///home/dev/.claude/projects/x/local-1.jsonl",
      contributor: { type: "ai", model_id: "anthropic/claude-haiku-4-5" },
    });
    expect(record({ traces: [noUrl], files }).files[0]!.conversations[0]).toEqual({
      contributor: { type: "ai" },
      ranges: [{ start_line: 1, end_line: 1, content_hash: contentHash(enc.encode("a\n")) }],
    });
    const withUrl = trace("local-1", { files: ["a"], url: "https://traces.example.com/t/local-1" });
    expect(record({ traces: [withUrl], files, local }).files[0]!.conversations[0]!.url).toBe(
      "https://traces.example.com/t/local-1",
    );
  });

  test("hostile note values stay data: over-long model, odd URL, control characters", () => {
    const evil = trace("evil-1", {
      models: [`claude-${"x".repeat(400)}`],
      files: ["a"],
      url: "https://user:secret@example.com/a|b^c[d]%zz\u001b",
      title: "\u001b[31mred\u009b\u202e",
    });
    const r = record({ traces: [evil], files: [file("a", [1, 1, "a\n"])] });
    const c = r.files[0]!.conversations[0]!;
    expect(Array.from(c.contributor.model_id!).length).toBe(250);
    expect(c.url).toBe("https://example.com/a%7Cb%5Ec%5Bd%5D%25zz");
    const json = safeJson(r, 2);
    expect(json).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(JSON.parse(json)).toEqual(r);
  });
});

describe("identifiers and hashes", () => {
  test("UUIDv5 matches RFC 9562's example", () => {
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  test("record IDs: the same for the same commit, different for another", () => {
    expect(recordId(OID)).toBe(recordId(OID));
    expect(recordId(OID)).not.toBe(recordId(PARENT));
  });

  test("content hash: MurmurHash3 x86 32-bit, seed 0, of the exact bytes", () => {
    expect(contentHash(new Uint8Array())).toBe("murmur3:00000000");
    expect(contentHash(enc.encode("hello"))).toBe("murmur3:248bfa47");
    expect(contentHash(enc.encode("a\n"))).not.toBe(contentHash(enc.encode("a\r\n")));
  });
});

describe("URIs", () => {
  test("http(s) only from notes, credentials dropped, RFC 3986 characters only", () => {
    expect(toUri("https://traces.example.com/t/abc?x=1#f")).toBe("https://traces.example.com/t/abc?x=1#f");
    expect(toUri("javascript:alert(1)")).toBeUndefined();
    expect(toUri("file:///etc/passwd")).toBeUndefined();
    expect(toUri("not a url")).toBeUndefined();
    expect(toUri("https://a:b@example.com/x")).toBe("https://example.com/x");
    expect(toUri("https://[::1]:8080/p")).toBe("https://[::1]:8080/p");
  });

  test("transcript paths as file URIs", () => {
    expect(fileUri("/home/dev/a b/é.jsonl")).toBe("file:///home/dev/a%20b/%C3%A9.jsonl");
    expect(fileUri("relative/path")).toBeUndefined();
  });
});

describe("model IDs", () => {
  test("bare names get their family's provider", () => {
    expect(modelId("claude-sonnet-4-5-20250929")).toBe("anthropic/claude-sonnet-4-5-20250929");
    expect(modelId("claude-4.5-sonnet")).toBe("anthropic/claude-4.5-sonnet");
    for (const m of ["gpt-5-codex", "gpt-4.1", "o1", "o1-mini", "o3", "o3-pro", "o4-mini", "codex-mini-latest"])
      expect(modelId(m)).toBe(`openai/${m}`);
    expect(modelId("gemini-2.5-pro")).toBe("google/gemini-2.5-pro");
    expect(modelId("GPT-4o")).toBe("openai/GPT-4o");
  });

  test("a provider/model name is kept; unknown families use the transcript's provider, else stay bare", () => {
    expect(modelId("anthropic/claude-sonnet-4-5")).toBe("anthropic/claude-sonnet-4-5");
    expect(modelId("openrouter/qwen/qwen3-coder")).toBe("openrouter/qwen/qwen3-coder");
    expect(modelId("qwen3-coder", "Alibaba")).toBe("alibaba/qwen3-coder");
    expect(modelId("qwen3-coder", "not a provider/x")).toBe("qwen3-coder");
    expect(modelId("gpt-5", "azure")).toBe("openai/gpt-5");
    expect(modelId("o2-something")).toBe("o2-something");
    expect(modelId("")).toBeUndefined();
    expect(modelId(undefined)).toBeUndefined();
    expect(providerOf("ollama-thing")).toBeUndefined();
  });

  test("at most 250 characters, counted as the schema counts them", () => {
    expect(Array.from(modelId(`claude-${"😀".repeat(300)}`)!).length).toBe(250);
  });
});

describe("safeJson", () => {
  test("escapes what a terminal would obey, and parses back to the same data", () => {
    const value = { t: "\u001b[2J\u009b31m\u007f\u202e\u2028ok" };
    const json = safeJson(value);
    expect(json).toBe('{"t":"\\u001b[2J\\u009b31m\\u007f\\u202e\\u2028ok"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
