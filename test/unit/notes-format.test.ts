import { describe, expect, test } from "bun:test";
import {
  combineMeta,
  mergeIntoNote,
  metaLine,
  parseNote,
  removeFromNote,
  renderNote,
  tracesLine,
} from "../../src/notes/format.ts";

const TRACES_COM = /^traces:([a-zA-Z0-9_-]+)(?:\s+(https?:\/\/\S+))?$/;
const ID = "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48";

describe("encoding: exact bytes", () => {
  test("traces: lines, as the traces.com CLI writes them", () => {
    expect(tracesLine(ID)).toBe(`traces:${ID}`);
    expect(tracesLine("abc_DEF-1", "https://traces.example.com/t/abc")).toBe(
      "traces:abc_DEF-1 https://traces.example.com/t/abc",
    );
    for (const l of [tracesLine(ID), tracesLine("x", "http://h/p")]) expect(TRACES_COM.test(l)).toBe(true);
  });

  test("refuses IDs and URLs that would break the line", () => {
    for (const bad of ["", "a b", "../x", "a\nb", "x".repeat(129), "é"]) expect(() => tracesLine(bad)).toThrow();
    expect(() => tracesLine("ok", "javascript:alert(1)")).toThrow();
    expect(() => tracesLine("ok", "https://a b")).toThrow();
  });

  test("traces-meta: one line of JSON, version first, control characters escaped", () => {
    const line = metaLine("abc", { agent: "codex", title: "two\nlines \u001b[31mred", files: ["a.py"] });
    expect(line).toBe('traces-meta:abc {"v":1,"agent":"codex","title":"two\\nlines \\u001b[31mred","files":["a.py"]}');
    expect(line.includes("\n")).toBe(false);
  });

  test("over-long fields are bounded", () => {
    const line = metaLine("abc", { title: "t".repeat(500), files: Array.from({ length: 900 }, (_, i) => `f${i}`) });
    const meta = JSON.parse(line.slice(line.indexOf(" ") + 1));
    expect(meta.title.length).toBe(200);
    expect(meta.files).toHaveLength(500);
  });

  test("a note is its lines, each once, sorted by bytes, newline-terminated", () => {
    expect(renderNote(["traces:b", "traces:a", "traces:b", "", "traces-meta:a {}"])).toBe(
      "traces-meta:a {}\ntraces:a\ntraces:b\n",
    );
    expect(renderNote([])).toBe("");
  });
});

describe("decoding", () => {
  test("reads traces and their meta, keeps other lines, reports what is wrong", () => {
    const note = [
      `traces:${ID}`,
      `traces-meta:${ID} {"v":1,"agent":"claude-code","model":"m1","end":"2026-11-20T10:06:53Z","files":["a"],"future":{"x":1}}`,
      "hf-trace: https://huggingface.co/x",
      "traces:../../evil",
      "traces-meta:abc not json",
      "traces-meta:abc [1,2]",
      `traces:${"z".repeat(70 * 1024)}`,
      "",
    ].join("\n");
    const parsed = parseNote(note);
    expect(parsed.traces).toHaveLength(1);
    expect(parsed.traces[0]!.id).toBe(ID);
    expect(parsed.traces[0]!.meta).toMatchObject({ agent: "claude-code", model: "m1", future: { x: 1 } });
    expect(parsed.other).toContain("hf-trace: https://huggingface.co/x");
    expect(parsed.problems.map((p) => p.line)).toEqual([4, 5, 6, 7]);
  });

  test("garbage of every kind: no throw", () => {
    for (const text of [
      "\u0000\u0001",
      "traces:",
      "traces-meta:",
      "\r\n\r\n",
      "traces:a\r\n",
      "{}",
      "traces-meta:a {",
      "\uFFFD".repeat(10),
    ]) {
      expect(() => parseNote(text)).not.toThrow();
    }
    expect(parseNote("traces:a\r\n").traces.map((t) => t.id)).toEqual(["a"]);
  });

  test("several meta lines for one trace combine, newest end first, files united", () => {
    const meta = combineMeta([
      { end: "2026-11-20T10:00:00Z", model: "old", files: ["a"] },
      { end: "2026-11-20T11:00:00Z", model: "new", files: ["b"] },
      { end: "2026-11-20T09:00:00Z", title: "only here", files: ["a", "c"] },
    ]);
    expect(meta).toMatchObject({ model: "new", title: "only here", end: "2026-11-20T11:00:00Z" });
    expect(meta!.files!.sort()).toEqual(["a", "b", "c"]);
  });
});

describe("merging", () => {
  const meta1 = metaLine(ID, { agent: "claude-code", end: "1" });
  const meta2 = metaLine(ID, { agent: "claude-code", end: "2" });

  test("adds once: attaching the same trace again writes nothing new", () => {
    const once = mergeIntoNote("", [tracesLine(ID), meta1]);
    expect(mergeIntoNote(once, [tracesLine(ID), meta1])).toBe(once);
  });

  test("a newer meta line replaces ours; other tools' lines stay", () => {
    const base = mergeIntoNote("hf-trace: https://h/x\n", [tracesLine(ID), meta1]);
    const next = mergeIntoNote(base, [tracesLine(ID), meta2]);
    expect(next).toBe(renderNote(["hf-trace: https://h/x", tracesLine(ID), meta2]));
  });

  test("a trace's URL line is kept when it is re-attached without one", () => {
    const withUrl = mergeIntoNote("", [tracesLine(ID, "https://traces.example/t/1")]);
    expect(mergeIntoNote(withUrl, [tracesLine(ID)])).toBe(withUrl);
  });

  test("the union of two notes is what git's cat_sort_uniq gives", () => {
    const a = mergeIntoNote("", [tracesLine("a"), metaLine("a", { end: "1" })]);
    const b = mergeIntoNote("", [tracesLine("b"), metaLine("b", { end: "1" })]);
    const union = renderNote([...a.split("\n"), ...b.split("\n")]);
    expect(
      parseNote(union)
        .traces.map((t) => t.id)
        .sort(),
    ).toEqual(["a", "b"]);
  });

  test("detach removes exactly the trace's lines", () => {
    const note = mergeIntoNote("other: line\n", [tracesLine("a"), metaLine("a", {}), tracesLine("b")]);
    expect(removeFromNote(note, new Set(["a"]))).toBe("other: line\ntraces:b\n");
    expect(removeFromNote("traces:a\n", new Set(["a"]))).toBe("");
  });
});

describe("line ranges in traces-meta", () => {
  test("written as given, and united file by file when meta lines of one ID meet", () => {
    const a = { agent: "codex", files: ["a.py", "b.py"], lines: { "a.py": "1-3,9", "b.py": "" }, end: "2" };
    const b = { agent: "codex", files: ["a.py"], lines: { "a.py": "4,10-12" }, end: "1" };
    expect(metaLine("x1", a)).toBe(
      'traces-meta:x1 {"v":1,"agent":"codex","files":["a.py","b.py"],"lines":{"a.py":"1-3,9","b.py":""},"end":"2"}',
    );
    expect({ ...combineMeta([b, a])!.lines }).toEqual({ "a.py": "1-4,9-12", "b.py": "" });
    expect(combineMeta([a])!.lines).toEqual(a.lines);
  });

  test("a meta line too long with its ranges is written without them", () => {
    const lines = { "a.py": Array.from({ length: 20_000 }, (_, i) => `${2 * i + 1}`).join(",") };
    const line = metaLine("x1", { agent: "codex", files: ["a.py"], lines });
    expect(line).toBe('traces-meta:x1 {"v":1,"agent":"codex","files":["a.py"]}');
  });
});

describe("line ranges that break the grammar", () => {
  test("are a problem of the note (git traces note check), and readers keep the rest of the line", () => {
    const note = [
      "traces:x1",
      'traces-meta:x1 {"files":["a.py"],"lines":{"a.py":"5-3","b.py":"1"}}',
      'traces-meta:x2 {"files":["a.py"],"lines":{"a.py":"1-2,4"}}',
      "traces:x2",
    ].join("\n");
    const parsed = parseNote(note);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 2]);
    expect(parsed.traces.map((t) => t.meta?.files)).toEqual([["a.py"], ["a.py"]]);
  });
});
