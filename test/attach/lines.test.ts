// Line-level attribution end to end: sessions' edit payloads (Claude Code Write, Edit with
// replace_all, MultiEdit; Codex apply_patch), a person's own lines on top, one commit; the
// note says which lines of the commit each session wrote, and `blame` gives every line to
// its real author.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeTranscript, codexTranscript, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop } from "../helpers/shop.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("lines");
});
afterAll(() => box?.cleanup());

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
  expect(owners(shop, "src/db.py")).toEqual([
    "human",
    "human",
    "human",
    "human",
    "human",
    "human",
    `${SESSIONS.claude} line`,
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
