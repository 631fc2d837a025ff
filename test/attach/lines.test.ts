// Line-level attribution end to end: sessions' edit payloads (Claude Code Write, Edit with
// replace_all, MultiEdit; Codex apply_patch), a person's own lines on top, one commit; the
// note says which lines of the commit each session wrote, and `blame` gives every line to
// its real author.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeTranscript, codexTranscript, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop } from "../helpers/shop.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("lines");
});
const boxes: Sandbox[] = [];
afterAll(() => {
  box?.cleanup();
  for (const b of boxes) b.cleanup();
});

/** Replaces a transcript's records, keeping its file time (the detection window). */
function rewrite(path: string, records: object[]): void {
  const { atime, mtime } = statSync(path);
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  utimesSync(path, atime, mtime);
}

/** A Claude Code session in `repo` that made the given tool calls, one a second from 10:00:01. */
function claudeSession(repo: string, calls: { name: string; file: string; input: object }[]): object[] {
  const common = { cwd: repo, sessionId: SESSIONS.claude, version: "2.0.69", gitBranch: "feature/login" };
  return [
    {
      ...common,
      type: "user",
      uuid: "u0",
      timestamp: "2026-11-20T10:00:00.000Z",
      message: { role: "user", content: "Add a rate limiter to auth.py" },
    },
    ...calls.map((c, i) => ({
      ...common,
      type: "assistant",
      uuid: `a${i}`,
      timestamp: `2026-11-20T10:00:0${i + 1}.000Z`,
      message: {
        model: "claude-sonnet-4-5-20250929",
        id: `msg_${i}`,
        type: "message",
        role: "assistant",
        content: [
          { type: "tool_use", id: `toolu_${i}`, name: c.name, input: { ...c.input, file_path: join(repo, c.file) } },
        ],
      },
    })),
  ];
}

/** `lines` of one trace in a note, parsed. */
function rangesOf(note: string, id: string): Record<string, string> | undefined {
  const line = note.split("\n").find((l) => l.startsWith(`traces-meta:${id} `));
  return line ? JSON.parse(line.slice(line.indexOf(" ") + 1)).lines : undefined;
}

test("Claude Code: Write, Edit with replace_all and MultiEdit, then the person's lines: each line to its author", () => {
  const shop = makeShop(box, ["claude-code"], { edits: false });
  const repo = shop.repo;
  writeFileSync(
    join(repo, "src", "db.py"),
    "import sqlite3\n\nDB = 'shop.db'\n\n\ndef connect():\n    return sqlite3.connect(DB)\n",
  );
  expect(shop.git(["add", "-A"]).exitCode).toBe(0);
  expect(shop.git(["commit", "-q", "-m", "db"], { env: at(box.env, "2026-11-20T09:30:00Z") }).exitCode).toBe(0);
  const auth = '"""Authentication helpers for the shop backend."""\n';
  const limiter = "class RateLimiter:\n    def __init__(self, limit):\n        self.limit = limit\n";
  rewrite(
    claudeTranscript(box.home, repo),
    claudeSession(repo, [
      // Write over an existing file.
      { name: "Write", file: "src/auth.py", input: { content: `${auth}\n\n${limiter}` } },
      // MultiEdit: two edits in order, the second on the first's text.
      {
        name: "MultiEdit",
        file: "src/auth.py",
        input: {
          edits: [
            { old_string: "limit):\n", new_string: "limit, window):\n" },
            {
              old_string: "        self.limit = limit\n",
              new_string: "        self.limit = limit\n        self.window = window\n",
            },
          ],
        },
      },
      // replace_all: both uses of DB.
      { name: "Edit", file: "src/db.py", input: { old_string: "DB", new_string: "DATABASE", replace_all: true } },
    ]),
  );
  // The person: appends to the agent's file, and rewrites one of its lines in the other.
  writeFileSync(
    join(repo, "src", "auth.py"),
    `${auth}\n\nclass RateLimiter:\n    def __init__(self, limit, window):\n        self.limit = limit\n        self.window = window\n\n# --- hand-written by Alice below ---\nMAX = 3\n`,
  );
  writeFileSync(
    join(repo, "src", "db.py"),
    "import sqlite3\n\nDATABASE = 'shop.sqlite'\n\n\ndef connect():\n    return sqlite3.connect(DATABASE)\n",
  );
  expect(shop.git(["add", "-A"]).exitCode).toBe(0);
  const r = shop.git(["commit", "-q", "-m", "rate limiter"], { env: at(box.env, "2026-11-20T10:05:00Z") });
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  const note = shop.note();
  expect(shop.traces()).toEqual([SESSIONS.claude]);
  // auth.py: 1 was there; 2-3 blank lines of the Write... 4-7 the class; 8-10 Alice's.
  // db.py: line 3 was rewritten by the person after the agent; line 7 is the agent's.
  expect(rangesOf(note, SESSIONS.claude)).toEqual({ "src/auth.py": "2-7", "src/db.py": "7" });
  // blame gives every line to its author: the parent's lines to their commits, then exactly.
  expect(owners(shop, "src/auth.py")).toEqual([
    "human",
    ...Array(6).fill(`${SESSIONS.claude} line`),
    "human",
    "human",
    "human",
  ]);
  // show says which lines of which files the session wrote.
  const show = shop.git(["traces", "show", SESSIONS.claude]);
  expect(show.out).toMatch(
    /Lines written:\n +[0-9a-f]{12} {2}src\/auth\.py {2}2-7 {2}\(6 lines\)\n +[0-9a-f]{12} {2}src\/db\.py {4}7 {2}\(1 line\)\n/,
  );
  const json = JSON.parse(shop.git(["traces", "show", "--json", SESSIONS.claude]).out);
  expect(json.traces[0].lines.map((l: { path: string; ranges: string }) => `${l.path} ${l.ranges}`)).toEqual([
    "src/auth.py 2-7",
    "src/db.py 7",
  ]);
  expect(json.traces[0].trace.writes).toBeUndefined();
  // stats: the commit added 9 lines to auth.py and 2 to db.py; 7 are Claude Code's.
  const stats = JSON.parse(shop.git(["traces", "stats", "HEAD", "--json"]).out);
  expect(stats).toMatchObject({ range: "HEAD", commits: 1, lines: 11, exact: 11 });
  expect(stats.shares.map((s: { attribution: string; lines: number }) => [s.attribution, s.lines])).toEqual([
    ["agent", 7],
    ["human", 4],
  ]);
  expect(shop.git(["traces", "stats", "HEAD"]).out).toBe(
    "Lines added in HEAD: 11 in 1 commit\n  63.6%  7  claude-code claude-sonnet-4-5-20250929\n  36.4%  4  human\n" +
      "  (100.0% of them line-exact: the rest by the files a note lists)\n",
  );
  // The same figures at the top of summary --markdown.
  const md = shop.git(["traces", "summary", "--markdown", "HEAD"]).out.split("\n");
  expect(md.slice(0, 5)).toEqual([
    "### Agent traces in `HEAD`",
    "",
    "1 commit, all with agent traces.",
    "",
    "**Lines added:** 11: claude-code claude-sonnet-4-5-20250929 63.6% (7), human 36.4% (4)",
  ]);
  expect(owners(shop, "src/db.py")).toEqual([
    "human",
    "human",
    "human",
    "human",
    "human",
    "human",
    `${SESSIONS.claude} line`,
  ]);

  // History keeps it: cherry-picked onto a branch where db.py got two lines at its top, the
  // ranges move with the lines.
  const picked = shop.git(["rev-parse", "HEAD"]).out.trim();
  expect(shop.git(["checkout", "-q", "-b", "other", "HEAD~1"]).exitCode).toBe(0);
  writeFileSync(
    join(repo, "src", "db.py"),
    "# header\n# more\nimport sqlite3\n\nDB = 'shop.db'\n\n\ndef connect():\n    return sqlite3.connect(DB)\n",
  );
  expect(shop.git(["commit", "-q", "-am", "header"], { env: at(box.env, "2026-11-20T10:06:00Z") }).exitCode).toBe(0);
  const pick = shop.git(["cherry-pick", picked], { env: at(box.env, "2026-11-20T10:07:00Z") });
  expect(pick.exitCode).toBe(0);
  expect(rangesOf(shop.note(), SESSIONS.claude)).toEqual({ "src/auth.py": "2-7", "src/db.py": "9" });
  expect(owners(shop, "src/db.py").at(-1)).toBe(`${SESSIONS.claude} line`);

  // An amend two days later (no session in reach) that adds a line at db.py's top: git copies
  // the note, the ranges follow the lines.
  const db = join(repo, "src", "db.py");
  writeFileSync(db, `# license\n${readFileSync(db, "utf8")}`);
  const later = at(box.env, "2026-11-22T10:00:00Z");
  expect(shop.git(["commit", "-q", "-a", "--amend", "--no-edit"], { env: later }).exitCode).toBe(0);
  expect(rangesOf(shop.note(), SESSIONS.claude)).toEqual({ "src/auth.py": "2-7", "src/db.py": "10" });

  // A rebase onto a commit that adds a line at auth.py's top: the same.
  expect(shop.git(["checkout", "-q", "-b", "up", "HEAD~1"]).exitCode).toBe(0);
  const authPath = join(repo, "src", "auth.py");
  writeFileSync(authPath, `# top\n${readFileSync(authPath, "utf8")}`);
  expect(shop.git(["commit", "-q", "-am", "top"], { env: later }).exitCode).toBe(0);
  expect(shop.git(["checkout", "-q", "other"]).exitCode).toBe(0);
  const rebase = shop.git(["rebase", "-q", "up"], { env: later });
  expect([rebase.exitCode, rebase.err]).toEqual([0, ""]);
  expect(rangesOf(shop.note(), SESSIONS.claude)).toEqual({ "src/auth.py": "3-8", "src/db.py": "10" });
  // An amend in the foreground (no terminal: GIT_TRACES_SYNC=1) carries them too.
  writeFileSync(db, `# one more\n${readFileSync(db, "utf8")}`);
  const sync = { ...later, GIT_TRACES_SYNC: "1" };
  expect(shop.git(["commit", "-q", "-a", "--amend", "--no-edit"], { env: sync }).exitCode).toBe(0);
  expect(rangesOf(shop.note(), SESSIONS.claude)).toEqual({ "src/auth.py": "3-8", "src/db.py": "11" });
  // (Line 1 is the "top" commit's, where detection finds the same session: not this test's matter.)
  expect(owners(shop, "src/auth.py").slice(1, 9)).toEqual([
    "human",
    ...Array(6).fill(`${SESSIONS.claude} line`),
    "human",
  ]);
});

/** Each line's owner per `git traces blame --json`: trace IDs and match, or "human". */
function owners(shop: ReturnType<typeof makeShop>, file: string): string[] {
  const r = shop.git(["traces", "blame", "--json", "--no-summary", file]);
  expect(r.exitCode).toBe(0);
  return r.out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .map((l) =>
      l.attribution === "agent" ? `${l.traces.map((t: { id: string }) => t.id).join("+")} ${l.match}` : l.attribution,
    );
}

test("Codex apply_patch (two hunks and a move, sent through a shell) and Claude Code in one file, and the person", () => {
  const b2 = makeSandbox("lines-codex");
  boxes.push(b2);
  const shop = makeShop(b2, ["claude-code", "codex"], { edits: false });
  const repo = shop.repo;
  writeFileSync(join(repo, "src", "db.py"), "import sqlite3\n\nDB = 'a'\n\n\ndef close():\n    pass\n");
  expect(shop.git(["add", "-A"]).exitCode).toBe(0);
  expect(shop.git(["commit", "-q", "-m", "db"], { env: at(b2.env, "2026-11-20T09:30:00Z") }).exitCode).toBe(0);
  const patch = [
    "*** Begin Patch",
    "*** Update File: src/db.py",
    "*** Move to: src/store.py",
    "@@",
    " import sqlite3",
    " ",
    "-DB = 'a'",
    "+DB = 'shop.db'",
    "@@ def close():",
    "-    pass",
    "+    conn.close()",
    "+    return True",
    "*** End Patch",
  ].join("\n");
  const codex = codexTranscript(b2.home);
  const head = readFileSync(codex, "utf8").split("\n")[0]!.split("/home/dev/work/shop").join(repo);
  const call = (ts: string, args: object) => ({
    timestamp: ts,
    type: "response_item",
    payload: { type: "function_call", name: "shell", arguments: JSON.stringify(args), call_id: `c${ts}` },
  });
  rewrite(codex, [
    JSON.parse(head),
    {
      timestamp: "2026-11-20T10:00:00.500Z",
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ type: "input_text", text: "Rename db.py to store.py" }] },
    },
    call("2026-11-20T10:00:01.000Z", {
      command: ["bash", "-lc", `apply_patch <<'EOF'\n${patch}\nEOF\n`],
      workdir: repo,
    }),
  ]);
  // Then Claude Code adds a function to the moved file.
  rewrite(
    claudeTranscript(b2.home, repo),
    claudeSession(repo, [
      {
        name: "Edit",
        file: "src/store.py",
        input: {
          old_string: "    return True\n",
          new_string: "    return True\n\n\ndef open_db():\n    return sqlite3.connect(DB)\n",
        },
      },
    ]).map((r) => JSON.parse(JSON.stringify(r).replaceAll("10:00:01.000Z", "10:00:09.000Z"))),
  );
  // The person: renames the variable on one of Claude's lines.
  const text =
    "import sqlite3\n\nDB = 'shop.db'\n\n\ndef close():\n    conn.close()\n    return True\n\n\ndef open_db():\n    return sqlite3.connect(DB, timeout=5)\n";
  rmSync(join(repo, "src", "db.py"));
  writeFileSync(join(repo, "src", "store.py"), text);
  expect(shop.git(["add", "-A"]).exitCode).toBe(0);
  expect(shop.git(["commit", "-q", "-m", "store"], { env: at(b2.env, "2026-11-20T10:05:00Z") }).exitCode).toBe(0);
  const note = shop.note();
  expect(rangesOf(note, SESSIONS.codex)).toEqual({ "src/store.py": "3,7-8" });
  expect(rangesOf(note, SESSIONS.claude)).toEqual({ "src/store.py": "9-11" });
  const H = "human";
  const X = `${SESSIONS.codex} line`;
  const C = `${SESSIONS.claude} line`;
  expect(owners(shop, "src/store.py")).toEqual([H, H, X, H, H, H, X, X, C, C, C, H]);
});
