// The pure parts of git traces log and list: splitting log's command line between git and
// us (a table of argv -> options), and the renderers, each as a terminal (colour, relative
// times, a fixed clock) and as a pipe.

import { describe, expect, test } from "bun:test";
import { parseLogArgs } from "../../src/cli/shared/log-args.ts";
import { painter, sanitize, sanitizeLine } from "../../src/views/render.ts";
import { parseLog, type LogCommit } from "../../src/git/log.ts";
import { withoutPassword } from "../../src/git/where.ts";
import type { AttachedTrace } from "../../src/views/attached.ts";
import { relativeTime, renderGroups, renderSessions, type SessionRow } from "../../src/views/list.ts";
import { logJson, renderLog } from "../../src/views/log.ts";

describe("git traces log's command line", () => {
  const cases: [string[], Partial<ReturnType<typeof parseLogArgs>>][] = [
    [[], { gitArgs: [], oneline: false, json: false, tracesOnly: false }],
    [["--oneline", "-n", "3"], { gitArgs: ["-n", "3"], oneline: true }],
    [
      ["-3", "main..feature", "--", "src/", "--json"],
      { gitArgs: ["-3", "main..feature", "--", "src/", "--json"], json: false },
    ],
    [
      ["--json", "--traces-only", "--author", "--json"],
      { gitArgs: ["--author", "--json"], json: true, tracesOnly: true },
    ],
    [["--grep", "-p", "HEAD"], { gitArgs: ["--grep", "-p", "HEAD"] }],
    [["--color=always"], { color: true, gitArgs: [] }],
    [["--color=auto", "--no-color"], { color: false }],
    [["--decorate=full"], { decorate: true, gitArgs: ["--decorate=full"] }],
    [["--no-decorate"], { decorate: false, gitArgs: ["--no-decorate"] }],
    [["--left-right", "a...b"], { marks: true, gitArgs: ["--left-right", "a...b"] }],
    [["-g"], { reflog: true, gitArgs: ["-g"] }],
    [["--abbrev-commit", "--abbrev=10"], { abbrevCommit: true, gitArgs: ["--abbrev=10"] }],
    [["--oneline", "--no-abbrev-commit"], { oneline: true, abbrevCommit: false }],
  ];
  for (const [argv, expected] of cases) {
    test(argv.join(" ") || "(none)", () => {
      expect(parseLogArgs(argv)).toMatchObject(expected);
    });
  }

  test("git's output options go to git to render with; those it cannot mix are refused, named", () => {
    for (const opt of [
      "-p",
      "-u",
      "--patch",
      "--stat",
      "--stat=80",
      "--numstat",
      "--format=%H",
      "--pretty",
      "--graph",
    ]) {
      const opts = parseLogArgs([opt, "-n", "3", "--", "src"]);
      expect(opts.renderArgs).toEqual([opt]);
      expect(opts.gitArgs).toEqual(["-n", "3", "--", "src"]);
    }
    expect(parseLogArgs(["--format=%h %s"]).compact).toBe(true);
    expect(parseLogArgs(["--pretty=fuller"]).compact).toBe(false);
    expect(parseLogArgs(["--pretty=oneline"]).compact).toBe(true);
    expect(parseLogArgs(["--oneline", "--stat"]).renderArgs).toEqual(["--oneline", "--stat"]);
    for (const opt of ["-z", "-L1,3:a", "-m", "--output=x", "--diff-merges=off"]) {
      expect(() => parseLogArgs([opt])).toThrow(/cannot add traces to git log's/);
    }
    expect(() => parseLogArgs(["--stat", "--json"])).toThrow(/--json/);
    expect(() => parseLogArgs(["--color=sometimes"])).toThrow(/--color/);
  });
});

const C = (over: Partial<LogCommit>): LogCommit => ({
  mark: ">",
  oid: "a".repeat(40),
  abbrev: "aaaaaaa",
  parents: ["b".repeat(40)],
  abbrevParents: ["bbbbbbb"],
  authorName: "Dev",
  authorEmail: "dev@example.com",
  authorDate: "2026-11-20T10:08:00+00:00",
  date: "Fri Nov 20 10:08:00 2026 +0000",
  refs: "HEAD -> main, tag: v1",
  reflogSelector: "",
  reflogIdent: "",
  reflogSubject: "",
  subject: "Add login",
  message: "Add login\n\nWith a body.\n",
  ...over,
});
const T: AttachedTrace = {
  id: "3f6c1d2e-8b4a",
  source: "git-traces",
  agent: "claude-code",
  models: ["claude-sonnet-4-5"],
  title: "Add login",
};
const LAYOUT = { oneline: false, abbrevCommit: false, decorate: false, marks: false, reflog: false };

describe("log renderer", () => {
  test("git's -z format is read by field count; garbage records are skipped", () => {
    const rec = [
      ">" + "c".repeat(40),
      "ccccccc",
      "",
      "",
      "A",
      "a@x",
      "2026-01-01T00:00:00+00:00",
      "date",
      "",
      "",
      " <>",
      "",
      "subj",
      "subj\n",
    ];
    const parsed = parseLog(`${rec.join("\0")}\0${["nothash", ...rec.slice(1)].join("\0")}\0`);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ oid: "c".repeat(40), mark: ">", parents: [], reflogIdent: "", subject: "subj" });
  });

  test("a pipe: git log's medium layout, no colour", () => {
    expect(renderLog([{ commit: C({}), traces: [T] }], LAYOUT, painter({ color: false }))).toBe(
      `commit ${"a".repeat(40)}\nAuthor: Dev <dev@example.com>\nDate:   Fri Nov 20 10:08:00 2026 +0000\n\n    Add login\n\n    With a body.\n\nTraces:\n    3f6c1d2e claude-code claude-sonnet-4-5 Add login\n`,
    );
  });

  test("a terminal: colours and decorations", () => {
    const out = renderLog(
      [{ commit: C({}), traces: [T] }],
      { ...LAYOUT, oneline: true, abbrevCommit: true, decorate: true },
      painter({ color: true }),
    );
    expect(out).toBe(
      "\u001b[33maaaaaaa\u001b[0m \u001b[33m(\u001b[0m\u001b[36m\u001b[1mHEAD\u001b[0m\u001b[0m\u001b[33m -> \u001b[0m\u001b[32m\u001b[1mmain\u001b[0m\u001b[0m\u001b[33m, \u001b[0m\u001b[33m\u001b[1mtag: v1\u001b[0m\u001b[0m\u001b[33m)\u001b[0m Add login\n" +
        "        \u001b[33m3f6c1d2e\u001b[0m \u001b[36mclaude-code\u001b[0m \u001b[35mclaude-sonnet-4-5\u001b[0m Add login\n",
    );
  });

  test("marks, reflog entries and merges as git shows them", () => {
    const paint = painter({ color: false });
    expect(
      renderLog(
        [{ commit: C({ mark: "<" }), traces: [] }],
        { ...LAYOUT, oneline: true, abbrevCommit: true, marks: true },
        paint,
      ),
    ).toBe("< aaaaaaa Add login\n");
    expect(
      renderLog([{ commit: C({ mark: "-" }), traces: [] }], { ...LAYOUT, oneline: true, abbrevCommit: true }, paint),
    ).toBe("- aaaaaaa Add login\n");
    const reflog = C({
      reflogSelector: "HEAD@{0}",
      reflogIdent: "Dev <dev@example.com>",
      reflogSubject: "commit: Add login",
    });
    expect(
      renderLog(
        [{ commit: reflog, traces: [] }],
        { ...LAYOUT, oneline: true, abbrevCommit: true, reflog: true },
        paint,
      ),
    ).toBe("aaaaaaa HEAD@{0}: commit: Add login\n");
    expect(renderLog([{ commit: reflog, traces: [] }], { ...LAYOUT, reflog: true }, paint)).toContain(
      "\nReflog: HEAD@{0} (Dev <dev@example.com>)\nReflog message: commit: Add login\nAuthor:",
    );
    const merge = C({ parents: ["b".repeat(40), "c".repeat(40)], abbrevParents: ["bbbbbbb", "ccccccc"] });
    expect(renderLog([{ commit: merge, traces: [] }], LAYOUT, paint)).toContain(
      `commit ${"a".repeat(40)}\nMerge: bbbbbbb ccccccc\nAuthor:`,
    );
  });

  test("JSON: stable fields, decorations as a list", () => {
    expect(logJson([{ commit: C({}), traces: [T] }])).toEqual([
      {
        commit: "a".repeat(40),
        parents: ["b".repeat(40)],
        author: { name: "Dev", email: "dev@example.com" },
        date: "2026-11-20T10:08:00+00:00",
        subject: "Add login",
        refs: ["HEAD -> main", "tag: v1"],
        traces: [T],
      },
    ]);
  });
});

describe("list renderer", () => {
  const NOW = new Date("2026-11-20T13:10:00Z");
  const here: SessionRow = {
    id: "3f6c1d2e-8b4a",
    agent: "claude-code",
    title: "Add login",
    models: ["claude-sonnet-4-5"],
    lastActivity: "2026-11-20T10:06:53Z",
    transcript: "/home/dev/.claude/projects/x/3f6c1d2e-8b4a.jsonl",
    attachedBy: ["git-traces"],
    commits: [{ oid: "a".repeat(40), abbrev: "aaaaaaa", subject: "Add login", date: "2026-11-20T10:08:00.000Z" }],
  };
  const notesOnly: SessionRow = {
    id: "cli-test-session",
    models: [],
    transcript: null,
    attachedBy: ["git-atrace"],
    commits: [{ oid: "d".repeat(40), abbrev: null, subject: null, date: null }],
  };
  const loose: SessionRow = {
    id: "01a1f866",
    agent: "codex",
    models: [],
    lastActivity: "2026-11-18T09:00:00Z",
    transcript: "/x",
    attachedBy: [],
    commits: [],
  };

  test("relative times", () => {
    expect(relativeTime("2026-11-20T13:09:40Z", NOW)).toBe("just now");
    expect(relativeTime("2026-11-20T13:05:00Z", NOW)).toBe("5 minutes ago");
    expect(relativeTime("2026-11-20T12:10:00Z", NOW)).toBe("1 hour ago");
    expect(relativeTime("2026-11-18T13:10:00Z", NOW)).toBe("2 days ago");
    expect(relativeTime("2025-10-01T00:00:00Z", NOW)).toBe("1 year ago");
    expect(relativeTime("2027-01-01T00:00:00Z", NOW)).toBe("2027-01-01");
    expect(relativeTime("garbage", NOW)).toBe("");
  });

  test("a terminal: one block per session, commits or 'not attached' under it", () => {
    const out = renderSessions([here, loose, notesOnly], { paint: painter({ color: false }), now: NOW });
    expect(out).toBe(
      [
        "3f6c1d2e claude-code claude-sonnet-4-5 Add login",
        "    3 hours ago",
        "    aaaaaaa Add login",
        "",
        "01a1f866 codex",
        "    2 days ago",
        "    not attached",
        "",
        "cli-test unknown agent (git-atrace)",
        "    transcript not on this machine",
        `    ${"d".repeat(12)} (commit not in this repository)`,
        "",
      ].join("\n"),
    );
    expect(renderSessions([here], { paint: painter({ color: true }), now: NOW })).toContain(
      "    \u001b[2m3 hours ago\u001b[0m\n    \u001b[33maaaaaaa\u001b[0m Add login\n",
    );
  });

  test("untrusted text made visible; the same view with or without a terminal", () => {
    const hostile: SessionRow = { ...loose, id: "evil", title: "a\tb\u001b[2J", agent: "x\ny" };
    const out = renderSessions([hostile], { paint: painter({ color: false }), now: NOW });
    expect(out).not.toContain("\u001b");
    expect(out).not.toContain("\t");
    expect(out).toContain("^[[2J");
  });

  test("--all: a heading per repository", () => {
    const groups = [
      {
        key: "git@github.com:acme/shop.git",
        path: "/w/shop",
        remote: "git@github.com:acme/shop.git",
        git: true,
        sessions: [here],
      },
      { key: "/w/scratch", path: "/w/scratch", remote: null, git: false, sessions: [loose] },
    ];
    expect(renderGroups(groups, { paint: painter({ color: false }), now: NOW })).toBe(
      [
        "git@github.com:acme/shop.git (/w/shop)",
        "  3f6c1d2e claude-code claude-sonnet-4-5 Add login",
        "      3 hours ago",
        "      aaaaaaa Add login",
        "",
        "/w/scratch (not a git repository)",
        "  01a1f866 codex",
        "      2 days ago",
        "      not attached",
        "",
      ].join("\n"),
    );
  });

  test("credentials in a remote URL are left out", () => {
    expect(withoutPassword("https://alice:s3cret@example.com/a.git")).toBe("https://example.com/a.git");
    expect(withoutPassword("https://ghp_token@github.com/a.git")).toBe("https://github.com/a.git");
    expect(withoutPassword("ssh://git:pw@example.com/a.git")).toBe("ssh://git@example.com/a.git");
    expect(withoutPassword("ssh://git@example.com/a.git")).toBe("ssh://git@example.com/a.git");
    expect(withoutPassword("git@github.com:acme/shop.git")).toBe("git@github.com:acme/shop.git");
    expect(withoutPassword("/srv/git/shop.git")).toBe("/srv/git/shop.git");
  });
});

test("sanitize's quick test agrees with what it replaces, for every character up to U+2100", () => {
  const bidi = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
  for (let code = 0; code < 0x2100; code++) {
    const text = `a${String.fromCharCode(code)}b`;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || bidi.includes(code);
    expect({ code, changed: sanitizeLine(text) !== text }).toEqual({ code, changed: control });
    expect({ code, changed: sanitize(text) !== text }).toEqual({
      code,
      changed: control && code !== 0x0a && code !== 0x09,
    });
  }
  expect(sanitize("\u001b[31m\u009b2J\u202e")).toBe("^[[31mM-^[2J<U+202E>");
});
