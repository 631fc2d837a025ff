// The git blame porcelain parser: exact inputs in git's format, every field checked.

import { describe, expect, test } from "bun:test";
import {
  decodeBytes,
  decodeContent,
  parsePorcelain,
  PorcelainParser,
  unquoteBytes,
} from "../../src/views/blame-porcelain.ts";

const A = "030bb3bc716098a2a66b24bb8f3447b6240817fb";
const B = "7c7204486773261b974a96c520853118629dad2f";
const ZERO = "0".repeat(40);

function details(name: string, time: number, summary: string, extra: string[] = []): string[] {
  return [
    `author ${name}`,
    `author-mail <${name.toLowerCase()}@example.com>`,
    `author-time ${time}`,
    "author-tz +0100",
    `committer ${name}`,
    `committer-mail <${name.toLowerCase()}@example.com>`,
    `committer-time ${time + 1}`,
    "committer-tz -0230",
    `summary ${summary}`,
    ...extra,
  ];
}

/** Bytes as the parser gets them: UTF-8 text as a latin1 string. */
function bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

const PORCELAIN = [
  `${A} 1 1 1`,
  ...details("Alice", 1795500000, "Initial shop", ["boundary", "filename src/old.py"]),
  "\tdef a():",
  `${B} 2 2 2`,
  ...details("Bob", 1795503600, "Add login", [`previous ${A} src/old.py`, "filename src/auth.py"]),
  "\t    return 1",
  `${B} 3 3`,
  "\t",
  `${A} 2 4 1`,
  "\tlast line, no newline",
].join("\n");

describe("parsePorcelain", () => {
  test("pushed in pieces cut anywhere, the same as in one go", () => {
    const whole = parsePorcelain(PORCELAIN);
    for (let a = 0; a <= PORCELAIN.length; a += 7) {
      for (const b of [a, a + 1, a + 13, a + 40, PORCELAIN.length]) {
        const parser = new PorcelainParser();
        parser.push(PORCELAIN.slice(0, a));
        parser.push(PORCELAIN.slice(a, b));
        parser.push(PORCELAIN.slice(b));
        expect(parser.end()).toEqual(whole);
      }
    }
  });

  test("neighbouring lines of one commit and file name make one run", () => {
    const blame = parsePorcelain(PORCELAIN);
    expect(blame.runs.map((r) => [r.source.commit.sha, r.source.filename, r.from, r.to])).toEqual([
      [A, "src/old.py", 0, 1],
      [B, "src/auth.py", 1, 3],
      [A, "src/old.py", 3, 4],
    ]);
    // One source object per commit and file name, in the order they appear.
    expect(blame.sources.map((s) => [s.commit.sha, s.filename])).toEqual([
      [A, "src/old.py"],
      [B, "src/auth.py"],
    ]);
    expect(blame.runs[2]!.source).toBe(blame.runs[0]!.source);
    expect(blame.runs[0]!.source.commit).toBe(blame.commits.get(A)!);
  });

  test("commits once, lines each with their commit, numbers and file name", () => {
    const blame = parsePorcelain(PORCELAIN);
    expect([...blame.commits.keys()]).toEqual([A, B]);
    expect(blame.commits.get(A)).toEqual({
      sha: A,
      author: "Alice",
      authorMail: "<alice@example.com>",
      authorTime: 1795500000,
      authorTz: "+0100",
      committer: "Alice",
      committerMail: "<alice@example.com>",
      committerTime: 1795500001,
      committerTz: "-0230",
      summary: "Initial shop",
      boundary: true,
      uncommitted: false,
    });
    expect(blame.commits.get(B)!.boundary).toBe(false);
    expect(blame.commits.get(B)!.previous).toEqual({ sha: A, filename: "src/old.py" });
    expect(blame.lines).toEqual([
      { sha: A, originalLine: 1, line: 1, filename: "src/old.py", content: "def a():" },
      { sha: B, originalLine: 2, line: 2, filename: "src/auth.py", content: "    return 1" },
      { sha: B, originalLine: 3, line: 3, filename: "src/auth.py", content: "" },
      // No filename header the second time: the commit's last name.
      { sha: A, originalLine: 2, line: 4, filename: "src/old.py", content: "last line, no newline" },
    ]);
  });

  test("a commit seen under two names (-C, renames) gives each group its own name", () => {
    const text = [
      `${B} 1 1 1`,
      ...details("Bob", 1, "Move", ["filename a.py"]),
      "\tfrom a",
      `${B} 7 2 1`,
      "filename b.py",
      "\tfrom b",
      `${B} 2 3 1`,
      "filename a.py",
      "\tfrom a again",
    ].join("\n");
    expect(parsePorcelain(text).lines.map((l) => l.filename)).toEqual(["a.py", "b.py", "a.py"]);
  });

  test("--line-porcelain: the details on every line give the same result", () => {
    const line = (sha: string, n: number, name: string, content: string) => [
      `${sha} ${n} ${n} 1`,
      ...details(name, 5, "s", ["filename f"]),
      `\t${content}`,
    ];
    const blame = parsePorcelain(
      [...line(A, 1, "Alice", "x"), ...line(B, 2, "Bob", "y"), ...line(A, 3, "Alice", "z"), ""].join("\n"),
    );
    expect(blame.commits.size).toBe(2);
    expect(blame.lines.map((l) => [l.sha, l.line, l.content])).toEqual([
      [A, 1, "x"],
      [B, 2, "y"],
      [A, 3, "z"],
    ]);
  });

  test("work-tree changes: the all-zero commit is marked not committed", () => {
    const text = [
      `${ZERO} 5 5 1`,
      ...details("Not Committed Yet", 9, "Version of f from f", ["filename f"]),
      "\tnew",
    ].join("\n");
    const blame = parsePorcelain(text);
    expect(blame.commits.get(ZERO)!.uncommitted).toBe(true);
    expect(blame.commits.get(ZERO)!.author).toBe("Not Committed Yet");
  });

  test("SHA-256 repositories: 64-digit IDs", () => {
    const sha = "a".repeat(64);
    const blame = parsePorcelain([`${sha} 1 1 1`, ...details("A", 1, "s", ["filename f"]), "\tx"].join("\n"));
    expect(blame.lines[0]!.sha).toBe(sha);
  });

  test("UTF-8 in headers is decoded; content keeps its bytes, even when not UTF-8", () => {
    const latin1Content = "caf\xe9"; // "café" in latin1: not valid UTF-8
    const text =
      bytes([`${A} 1 1 1`, ...details("Zoë Ångström", 1, "Ünïcode", ["filename dïr/fïle.py"]), "\t"].join("\n")) +
      latin1Content +
      bytes("\n");
    const blame = parsePorcelain(text);
    expect(blame.commits.get(A)!.author).toBe("Zoë Ångström");
    expect(blame.commits.get(A)!.summary).toBe("Ünïcode");
    expect(blame.lines[0]!.filename).toBe("dïr/fïle.py");
    expect(blame.lines[0]!.content).toBe(latin1Content);
    expect(decodeContent(blame.lines[0]!)).toBe("caf\ufffd");
    expect(decodeContent({ content: bytes("naïve ✓") })).toBe("naïve ✓");
  });

  test("tabs and control characters in content stay as they are (the renderer decides)", () => {
    const blame = parsePorcelain(
      [`${A} 1 1 1`, ...details("A", 1, "s", ["filename f"]), "\t\tindented\x1b[31m red"].join("\n"),
    );
    expect(blame.lines[0]!.content).toBe("\tindented\x1b[31m red");
  });

  test("garbage and unknown headers are skipped, never fatal", () => {
    expect(parsePorcelain("").lines).toEqual([]);
    expect(parsePorcelain("not porcelain\nat all\n\tcontent\n").lines).toEqual([]);
    const blame = parsePorcelain(
      [`${A} 1 1 1`, ...details("A", 1, "s", ["some-future-header with value", "filename f"]), "\tx"].join("\n"),
    );
    expect(blame.lines).toEqual([{ sha: A, originalLine: 1, line: 1, filename: "f", content: "x" }]);
  });
});

describe("unquoteBytes", () => {
  test("git's C-quoted paths", () => {
    expect(unquoteBytes("plain/path.py")).toBe("plain/path.py");
    expect(unquoteBytes('"with\\ttab"')).toBe("with\ttab");
    expect(unquoteBytes('"quote\\"and\\\\backslash"')).toBe('quote"and\\backslash');
    expect(unquoteBytes('"new\\nline"')).toBe("new\nline");
    expect(decodeBytes(unquoteBytes('"caf\\303\\251.py"'))).toBe("café.py");
    expect(unquoteBytes('"')).toBe('"');
  });
});
