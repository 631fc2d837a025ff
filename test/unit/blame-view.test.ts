// git traces blame's pure parts: which traces get a line, the summary, the text view (as
// a pipe and as a terminal), the porcelain annotation, JSON against its schemas, and the
// command line read the way git blame reads it.

import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { parseBlameArgs } from "../../src/cli/commands/blame.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { painter } from "../../src/views/render.ts";
import type { AttachedTrace } from "../../src/views/attached.ts";
import { attributeBlame, lineTracesOf, summarize, summarizeBlame, tracesForFile } from "../../src/views/blame.ts";
import { BlameLineJsonSchema, BlameSummaryJsonSchema, renderJson } from "../../src/views/blame-json.ts";
import { parsePorcelain } from "../../src/views/blame-porcelain.ts";
import { annotatePorcelain, blameDate, renderSummary, renderText, rfc3339 } from "../../src/views/blame-render.ts";

const A = "030bb3bc716098a2a66b24bb8f3447b6240817fb";
const B = "7c7204486773261b974a96c520853118629dad2f";
const C = "c0ffee0000000000000000000000000000000001";
const ZERO = "0".repeat(40);

function trace(
  id: string,
  agent: string | undefined,
  model: string | undefined,
  files: string[] | undefined,
  source: AttachedTrace["source"] = "git-traces",
): AttachedTrace {
  return { id, source, ...(agent ? { agent } : {}), models: model ? [model] : [], ...(files ? { files } : {}) };
}

const claude = trace("3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48", "claude-code", "claude-sonnet-4-5-20250929", [
  "src/auth.py",
  "tests/test_auth.py",
]);
const codex = trace("01a1f866-0d00-7aef-b735-c77a7fcfe598", "codex", "gpt-5-codex", ["src/auth.py"]);
const elsewhere = trace("elsewhere-1", "codex", "gpt-5-codex", ["README.md"]);
const fileless = trace("atrace-session", undefined, undefined, undefined, "git-atrace");

describe("which traces wrote a line", () => {
  test("a trace counts when its note lists the file under the commit's name for it", () => {
    expect(tracesForFile([claude], "src/auth.py")).toEqual({ attribution: "agent", traces: [claude], match: "file" });
    expect(tracesForFile([claude], "src/other.py")).toEqual({ attribution: "human", traces: [], match: null });
    expect(tracesForFile(undefined, "src/auth.py").attribution).toBe("human");
    expect(tracesForFile([], "src/auth.py").attribution).toBe("human");
  });

  test("two sessions on one file in one commit: both, in note order", () => {
    expect(tracesForFile([claude, codex, elsewhere], "src/auth.py").traces).toEqual([claude, codex]);
  });

  test("a note without a file list gives the line only when no listed trace has it", () => {
    expect(tracesForFile([fileless], "any.py")).toEqual({ attribution: "agent", traces: [fileless], match: "commit" });
    expect(tracesForFile([claude, fileless], "src/auth.py")).toEqual({
      attribution: "agent",
      traces: [claude],
      match: "file",
    });
    expect(tracesForFile([elsewhere, fileless], "src/auth.py")).toEqual({
      attribution: "agent",
      traces: [fileless],
      match: "commit",
    });
  });

  test("one session named by two tools' notes counts once, ours first", () => {
    const foreign = { ...claude, source: "git-atrace" as const, files: undefined };
    delete (foreign as { files?: unknown }).files;
    expect(tracesForFile([claude, foreign], "src/auth.py").traces).toEqual([claude]);
  });

  test("uncommitted lines are neither human nor an agent's", () => {
    const blame = parsePorcelain([`${ZERO} 1 1 1`, "author Not Committed Yet", "filename f", "\tx"].join("\n"));
    expect(lineTracesOf(new Map([[ZERO, [claude]]]), blame.commits)(ZERO, "f").attribution).toBe("uncommitted");
  });
});

describe("summary", () => {
  test("counted from the blame's runs of lines, the same as line by line", () => {
    const blame = parsePorcelain(PORCELAIN);
    expect(summarizeBlame(blame, lineTracesOf(ATTACHED, blame.commits))).toEqual(
      summarize(attributeBlame(blame, ATTACHED)),
    );
  });

  test("shares add up to every line; several traces on a line make one group", () => {
    const lines = [
      tracesForFile([claude], "src/auth.py"),
      tracesForFile([claude], "src/auth.py"),
      tracesForFile([claude, codex], "src/auth.py"),
      tracesForFile([], "x"),
    ];
    const s = summarize(lines);
    expect(s.lines).toBe(4);
    expect(s.shares).toEqual([
      {
        attribution: "agent",
        by: [{ agent: "claude-code", model: "claude-sonnet-4-5-20250929", source: "git-traces" }],
        lines: 2,
        share: 0.5,
      },
      {
        attribution: "agent",
        by: [
          { agent: "claude-code", model: "claude-sonnet-4-5-20250929", source: "git-traces" },
          { agent: "codex", model: "gpt-5-codex", source: "git-traces" },
        ],
        lines: 1,
        share: 0.25,
      },
      { attribution: "human", by: [], lines: 1, share: 0.25 },
    ]);
    expect(renderSummary(s, painter({ color: false }))).toBe(
      "\nSummary of 4 lines\n  50.0%  2  claude-code claude-sonnet-4-5-20250929\n  25.0%  1  claude-code claude-sonnet-4-5-20250929 + codex gpt-5-codex\n  25.0%  1  human\n",
    );
  });

  test("no traces at all: 100% human; no lines: no footer", () => {
    const s = summarize([tracesForFile(undefined, "f"), tracesForFile(undefined, "f")]);
    expect(renderSummary(s, painter({ color: false }))).toBe("\nSummary of 2 lines\n  100.0%  2  human\n");
    expect(renderSummary(summarize([]), painter({ color: false }))).toBe("");
  });
});

function details(sha: string, name: string, time: number, filename: string, extra: string[] = []): string[] {
  return [
    `author ${name}`,
    `author-mail <${name.toLowerCase()}@example.com>`,
    `author-time ${time}`,
    "author-tz +0000",
    `summary commit ${sha.slice(0, 4)}`,
    ...extra,
    `filename ${filename}`,
  ];
}

// Line 1 from the root commit A (human), 2-3 from B (Claude Code and Codex), 4 from C (Codex) under the file's old name.
const PORCELAIN = [
  `${A} 1 1 1`,
  ...details(A, "Alice", 1795500000, "src/auth.py", ["boundary"]),
  '\t"""Authentication helpers."""',
  `${B} 2 2 2`,
  ...details(B, "Bob", 1795503600, "src/auth.py"),
  "\tclass RateLimiter:",
  `${B} 3 3`,
  // ESC, the one-byte CSI (U+009B, UTF-8 C2 9B), and a lone 0x9B byte (not UTF-8).
  "\t\tpass  \x1b[2J\xc2\x9b31m \x9b",
  `${C} 9 4 1`,
  ...details(C, "Ann Longname", 1795400000, "auth.py"),
  "\tcaf\xe9",
  "",
].join("\n");

const ATTACHED = new Map([
  [B, [claude, codex]],
  [C, [trace("c-trace", "codex", "gpt-5-codex", ["auth.py"])]],
]);

describe("text view", () => {
  const blame = parsePorcelain(PORCELAIN);
  const tracesOf = lineTracesOf(ATTACHED, blame.commits);

  test("as a pipe: git blame's columns, the trace column, content bytes untouched", () => {
    const text = renderText(blame, tracesOf, {
      paint: painter({ color: false }),
      terminal: false,
      path: "src/auth.py",
    });
    expect(text.split("\n")).toEqual([
      '^030bb3b src/auth.py human                                  (Alice        2026-11-24 06:00:00 +0000 1) """Authentication helpers."""',
      "7c720448 src/auth.py claude-code,codex 2 traces    3f6c1d2e (Bob          2026-11-24 07:00:00 +0000 2) class RateLimiter:",
      "7c720448 src/auth.py claude-code,codex 2 traces    3f6c1d2e (Bob          2026-11-24 07:00:00 +0000 3) \tpass  \x1b[2J\xc2\x9b31m \x9b",
      "c0ffee00 auth.py     codex             gpt-5-codex c-trace  (Ann Longname 2026-11-23 02:13:20 +0000 4) caf\xe9",
      "",
    ]);
  });

  test("on a terminal: control characters in content made visible, colour when asked", () => {
    const text = renderText(blame, tracesOf, { paint: painter({ color: true }), terminal: true, path: "src/auth.py" });
    expect(text).toContain("\tpass  ^[[2JM-^[31m \xef\xbf\xbd\n");
    expect(text).not.toContain("\x1b[2J");
    expect(text).not.toContain("\x9b");
    expect(text).toContain("\x1b[36mcodex\x1b[0m");
    expect(Buffer.from(text, "latin1").toString("utf8")).toContain("caf\ufffd");
  });

  test("git blame's own options: -s -n -l -e -t -b --abbrev, and no file column when all lines have the blamed name", () => {
    const runs = blame.runs.filter((r) => r.from < 2).map((r) => ({ ...r, to: Math.min(r.to, 2) }));
    const one = {
      commits: blame.commits,
      lines: blame.lines.slice(0, 2),
      sources: [...new Set(runs.map((r) => r.source))],
      runs,
    };
    const paint = painter({ color: false });
    expect(
      renderText(one, tracesOf, {
        paint,
        terminal: false,
        path: "src/auth.py",
        suppressAuthor: true,
        showNumber: true,
      }).split("\n")[1],
    ).toBe("7c720448 2 claude-code,codex 2 traces 3f6c1d2e 2) class RateLimiter:");
    expect(
      renderText(one, tracesOf, {
        paint,
        terminal: false,
        path: "src/auth.py",
        longHash: true,
        showEmail: true,
        rawTime: true,
      }).split("\n")[1],
    ).toBe(`${B} claude-code,codex 2 traces 3f6c1d2e (<bob@example.com>   1795503600 +0000 2) class RateLimiter:`);
    expect(
      renderText(one, tracesOf, { paint, terminal: false, path: "src/auth.py", blankBoundary: true, abbrev: 10 }).split(
        "\n",
      )[0],
    ).toStartWith("            human");
  });

  test("dates as git prints them, in the author's zone", () => {
    expect(blameDate(1795500000, "+0530")).toBe("2026-11-24 11:30:00 +0530");
    expect(rfc3339(1795500000, "-0800")).toBe("2026-11-23T22:00:00-08:00");
  });
});

describe("porcelain", () => {
  test("git's bytes with trace headers before each filename line, human lines untouched", () => {
    const blame = parsePorcelain(PORCELAIN);
    const out = annotatePorcelain(PORCELAIN, lineTracesOf(ATTACHED, blame.commits));
    const added = out.split("\n").filter((l) => !PORCELAIN.split("\n").includes(l));
    expect(added).toEqual([
      `trace ${claude.id} claude-code claude-sonnet-4-5-20250929`,
      `trace ${codex.id} codex gpt-5-codex`,
      "trace c-trace codex gpt-5-codex",
    ]);
    expect(out.replace(/^trace .*\n/gm, "")).toBe(PORCELAIN);
    const lines = out.split("\n");
    expect(lines[lines.lastIndexOf("filename src/auth.py") - 1]).toBe(`trace ${codex.id} codex gpt-5-codex`);
  });

  test("untrusted agent and model names become one safe token each; unknown is -", () => {
    const evil = trace("evil-1", "bad agent\x1b[31m", undefined, ["f"]);
    const blame = parsePorcelain([`${A} 1 1 1`, ...details(A, "A", 1, "f"), "\tx"].join("\n"));
    const out = annotatePorcelain(
      [`${A} 1 1 1`, ...details(A, "A", 1, "f"), "\tx"].join("\n"),
      lineTracesOf(new Map([[A, [evil]]]), blame.commits),
    );
    expect(out).toContain("trace evil-1 bad_agent^[[31m -\n");
  });
});

describe("JSON", () => {
  test("one object per line and a summary, each valid against its schema", () => {
    const lines = attributeBlame(parsePorcelain(PORCELAIN), ATTACHED);
    const objects = renderJson(lines, summarize(lines))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(objects.length).toBe(5);
    for (const o of objects.slice(0, 4)) expect(v.safeParse(BlameLineJsonSchema, o).success).toBe(true);
    expect(v.safeParse(BlameSummaryJsonSchema, objects[4]).success).toBe(true);
    expect(objects[1]).toMatchObject({
      type: "line",
      line: 2,
      originalLine: 2,
      commit: B,
      path: "src/auth.py",
      boundary: false,
      author: { name: "Bob", email: "bob@example.com", time: "2026-11-24T07:00:00+00:00" },
      attribution: "agent",
      match: "file",
      traces: [
        { id: claude.id, agent: "claude-code", model: "claude-sonnet-4-5-20250929", source: "git-traces" },
        { id: codex.id, agent: "codex", model: "gpt-5-codex" },
      ],
      content: "class RateLimiter:",
    });
    expect(objects[0]).toMatchObject({ attribution: "human", boundary: true, traces: [], match: null });
    expect(objects[3]).toMatchObject({ path: "auth.py", content: "caf\ufffd" });
    expect(renderJson(lines, null).trimEnd().split("\n").length).toBe(4);
  });
});

describe("the command line, read as git blame reads it", () => {
  const cases: [string[], Partial<ReturnType<typeof parseBlameArgs>>][] = [
    [["f.py"], { format: "text", summary: true, gitArgs: ["f.py"], file: "f.py", text: {} }],
    [["HEAD~2", "--", "f.py"], { gitArgs: ["HEAD~2", "--", "f.py"], file: "f.py" }],
    [["-L", "1,5", "-L10,+3", "f.py"], { gitArgs: ["-L", "1,5", "-L", "10,+3", "f.py"] }],
    [["-L", ":main", "f.py"], { gitArgs: ["-L", ":main", "f.py"] }],
    [["-w", "-M", "-C", "-C", "-M30", "f.py"], { gitArgs: ["-w", "-M", "-C", "-C", "-M30", "f.py"] }],
    [["-wM", "-CC", "f.py"], { gitArgs: ["-w", "-M", "-C", "-C", "f.py"] }],
    [["-sn", "f.py"], { gitArgs: ["f.py"], text: { suppressAuthor: true, showNumber: true } }],
    [
      ["-e", "-l", "-t", "-f", "-b", "--abbrev=12", "f.py"],
      { text: { showEmail: true, longHash: true, rawTime: true, showName: true, blankBoundary: true, abbrev: 12 } },
    ],
    [
      ["--ignore-rev", "abc", "--ignore-revs-file=.revs", "--since=2.weeks", "f.py"],
      { gitArgs: ["--ignore-rev=abc", "--ignore-revs-file=.revs", "--since=2.weeks", "f.py"] },
    ],
    [["--porcelain", "f.py"], { format: "porcelain" }],
    [["-p", "--porcelain", "f.py"], { format: "porcelain" }],
    [["--line-porcelain", "f.py"], { format: "line-porcelain" }],
    [["--json", "--no-summary", "f.py"], { format: "json", summary: false }],
    [["f.py", "-L", "2,3"], { gitArgs: ["f.py", "-L", "2,3"], file: "f.py" }],
    [["--", "-odd-name"], { gitArgs: ["--", "-odd-name"], file: "-odd-name" }],
  ];
  for (const [argv, expected] of cases) {
    test(argv.join(" "), () => {
      expect(parseBlameArgs(argv)).toMatchObject(expected);
    });
  }

  test("what it cannot do is a usage error (exit 129) that says so", () => {
    const refused: [string[], RegExp][] = [
      [[], /which file\?/],
      [["-c", "f"], /'-c' is not supported.*annotate/],
      [["--incremental", "f"], /'--incremental' is not supported/],
      [["--date=relative", "f"], /'--date' is not supported/],
      [["--reverse", "f"], /'--reverse' is not supported/],
      [["--bogus", "f"], /unknown option '--bogus'; git traces blame takes -L <range>/],
      [["-L"], /'-L' needs a value/],
      [["--json", "--porcelain", "f"], /--json and --porcelain cannot be used together/],
      [["--abbrev=x", "f"], /expects a number/],
    ];
    for (const [argv, message] of refused) {
      let error: unknown;
      try {
        parseBlameArgs(argv);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitStatus).toBe(129);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe("line ranges in the notes (match: line)", () => {
  // B wrote lines 2-3 of src/auth.py: Claude Code's ranges hold 2, Codex's 3.
  const exactClaude: AttachedTrace = { ...claude, lines: { "src/auth.py": [[2, 2]] } };
  const exactCodex: AttachedTrace = { ...codex, lines: { "src/auth.py": [[3, 3]] } };
  const blame = parsePorcelain(PORCELAIN);

  test("each line goes to the trace whose ranges hold it; the text view shows it line by line", () => {
    const attached = new Map([[B, [exactClaude, exactCodex]]]);
    const lines = attributeBlame(blame, attached);
    expect(lines.map((l) => [l.attribution, l.match, l.traces.map((t) => t.agent)])).toEqual([
      ["human", null, []],
      ["agent", "line", ["claude-code"]],
      ["agent", "line", ["codex"]],
      ["human", null, []],
    ]);
    const tracesOf = lineTracesOf(attached, blame.commits);
    expect(summarizeBlame(blame, tracesOf)).toEqual(summarize(lines));
    const text = renderText(blame, tracesOf, {
      paint: painter({ color: false }),
      terminal: false,
      path: "src/auth.py",
    });
    // The trace column (agent, short model, short ID) before git's "(author date line)".
    expect(text.split("\n").map((l) => l.slice(21).split("(")[0]!.trimEnd())).toEqual([
      "human",
      "claude-code sonnet-4.5  3f6c1d2e",
      "codex       gpt-5-codex 01a1f866",
      "human",
      "",
    ]);
  });

  test("a line no range holds is the person's, or a file-level trace's when one has the file", () => {
    const none: AttachedTrace = { ...claude, lines: { "src/auth.py": [] } };
    expect(attributeBlame(blame, new Map([[B, [none]]]))[1]!.attribution).toBe("human");
    const lines = attributeBlame(blame, new Map([[B, [exactClaude, codex]]]));
    expect(lines[1]!.match).toBe("line");
    expect([lines[2]!.match, lines[2]!.traces]).toEqual(["file", [codex]]);
  });

  test("--json says match line, and holds to its schema", () => {
    const out = renderJson(attributeBlame(blame, new Map([[B, [exactClaude]]])), null, []);
    const second = JSON.parse(out.split("\n")[1]!);
    expect(second.match).toBe("line");
    expect(v.safeParse(BlameLineJsonSchema, second).success).toBe(true);
  });
});
