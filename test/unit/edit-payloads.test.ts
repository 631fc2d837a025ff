// Line-level attribution, the pure parts: what each agent's reader takes from its edit
// payloads (the fixtures' sessions, and payloads built here for the cases they lack), and
// the replay that turns them into the owner of every line.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { readClaudeTranscript } from "../../src/agents/claude-code/read.ts";
import { patchInScript, patchWrites } from "../../src/agents/codex/patch.ts";
import { readCodexRollout } from "../../src/agents/codex/read.ts";
import { readCopilotEvents } from "../../src/agents/copilot-cli/read.ts";
import { cursorWrites } from "../../src/agents/cursor/writes.ts";
import { readCursorTranscript } from "../../src/agents/cursor/read.ts";
import { readGeminiChat } from "../../src/agents/gemini-cli/read.ts";
import { geminiWrites } from "../../src/agents/gemini-cli/writes.ts";
import { readOpencodeSession } from "../../src/agents/opencode/read.ts";
import { opencodeWrites } from "../../src/agents/opencode/writes.ts";
import { copilotWrites } from "../../src/agents/copilot-cli/writes.ts";
import { claudeWrites } from "../../src/agents/claude-code/writes.ts";
import { type OwnedWrite, replayWrites } from "../../src/attach/replay.ts";
import { parseRanges, toRanges } from "../../src/notes/ranges.ts";
import type { FileWrite, Trace } from "../../src/traces/model.ts";
import { CLAUDE_FIXTURE_TRANSCRIPT, FIXTURES, SESSIONS } from "../helpers/agents.ts";

const ROOTS = ["/home/dev/work/shop"];
const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

/** A session's writes, as `op path` with the sizes of what they carry. */
function summary(t: Trace): string[] {
  return (t.writes ?? []).map((w) =>
    w.op === "write"
      ? `write ${w.path} ${w.content.split("\n").length - 1} lines`
      : w.op === "replace"
        ? `replace ${w.path}${w.all ? " all" : ""}`
        : w.op === "move"
          ? `move ${w.path} ${w.to}`
          : `delete ${w.path}`,
  );
}

describe("each agent's reader keeps its edit payloads", () => {
  test("Claude Code: Edit, Write (fixture session)", async () => {
    const t = await readClaudeTranscript(CLAUDE_FIXTURE_TRANSCRIPT, { roots: ROOTS, summary: true });
    expect(summary(t)).toEqual(["replace src/auth.py", "write tests/test_auth.py 50 lines", "replace src/auth.py"]);
    expect(t.writes![0]).toMatchObject({ at: expect.stringMatching(/^2026-11-20T10:0/) });
  });

  test("Claude Code: replace_all, MultiEdit in order, a bad MultiEdit gives nothing", () => {
    expect(claudeWrites("Edit", { old_string: "a", new_string: "b", replace_all: true }, "f", undefined)).toEqual([
      { path: "f", op: "replace", old: "a", new: "b", all: true },
    ]);
    const multi = {
      edits: [
        { old_string: "a", new_string: "b" },
        { old_string: "b", new_string: "c" },
      ],
    };
    expect(claudeWrites("MultiEdit", multi, "f", "T").map((w) => (w as { new: string }).new)).toEqual(["b", "c"]);
    expect(claudeWrites("MultiEdit", { edits: [{ old_string: "a" }] }, "f", undefined)).toEqual([]);
    expect(claudeWrites("Write", { content: 3 }, "f", undefined)).toEqual([]);
  });

  test("Codex: apply_patch calls (fixture rollout)", async () => {
    const t = await readCodexRollout(
      fixture("codex", ".codex", "sessions", "2026", "11", "20", `rollout-2026-11-20T10-00-00-${SESSIONS.codex}.jsonl`),
      { roots: ROOTS, summary: true },
    );
    expect(summary(t).length).toBeGreaterThan(0);
    expect(summary(t).every((s) => /^(replace|write) (src\/auth\.py|tests\/test_auth\.py)/.test(s))).toBe(true);
  });

  test("Codex: apply_patch with several hunks, an added, a deleted and a moved file; inside a shell heredoc", () => {
    const patch = [
      "*** Begin Patch",
      "*** Update File: src/db.py",
      "*** Move to: src/store.py",
      "@@ def connect():",
      " import sqlite3",
      "-DB = 'a'",
      "+DB = 'b'",
      "@@",
      " def close():",
      "-    pass",
      "+    conn.close()",
      "+    return True",
      "*** Add File: src/new.py",
      "+x = 1",
      "+y = 2",
      "*** Delete File: old.py",
      "*** End Patch",
    ].join("\n");
    expect(patchWrites(patch, "T", (p) => p)).toEqual([
      {
        path: "src/db.py",
        at: "T",
        op: "replace",
        old: "import sqlite3\nDB = 'a'\n",
        new: "import sqlite3\nDB = 'b'\n",
      },
      {
        path: "src/db.py",
        at: "T",
        op: "replace",
        old: "def close():\n    pass\n",
        new: "def close():\n    conn.close()\n    return True\n",
      },
      { path: "src/db.py", at: "T", op: "move", to: "src/store.py" },
      { path: "src/new.py", at: "T", op: "write", content: "x = 1\ny = 2\n" },
      { path: "old.py", at: "T", op: "delete" },
    ]);
    expect(patchInScript(`apply_patch <<'EOF'\n${patch}\nEOF\n`)).toBe(patch);
    expect(patchInScript("echo '*** Begin Patch'")).toBeNull();
  });

  test("Gemini CLI: replace and write_file (fixture chat); expected_replacements > 1 replaces all", async () => {
    const t = await readGeminiChat(
      fixture("gemini-cli", ".gemini", "tmp", "shop", "chats", "session-2026-11-20T10-00-8d2f5a17.jsonl"),
      { roots: ROOTS, summary: true },
    );
    expect(summary(t)).toEqual(["replace src/auth.py", "write tests/test_auth.py 50 lines", "replace src/auth.py"]);
    expect(
      geminiWrites("replace", { old_string: "a", new_string: "b", expected_replacements: 2 }, "f", undefined),
    ).toEqual([{ path: "f", op: "replace", old: "a", new: "b", all: true }]);
  });

  test("OpenCode: edit and write (fixture session); multiedit, replaceAll, patch", async () => {
    const t = await readOpencodeSession(
      fixture(
        "opencode",
        ".local",
        "share",
        "opencode",
        "storage",
        "session",
        "5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918",
        `${SESSIONS.opencode}.json`,
      ),
      { roots: ROOTS, summary: true },
    );
    expect(summary(t).length).toBeGreaterThan(0);
    expect(summary(t).every((s) => /^(replace|write) (src\/auth\.py|tests\/test_auth\.py)/.test(s))).toBe(true);
    const multi = { edits: [{ oldString: "a", newString: "b", replaceAll: true }] };
    expect(opencodeWrites("multiedit", multi, "f", undefined, (p) => p)).toEqual([
      { path: "f", op: "replace", old: "a", new: "b", all: true },
    ]);
    const patch = "*** Begin Patch\n*** Add File: g.py\n+z\n*** End Patch";
    expect(opencodeWrites("patch", { patchText: patch }, undefined, undefined, (p) => `sub/${p}`)).toEqual([
      { path: "sub/g.py", op: "write", content: "z\n" },
    ]);
  });

  test("Cursor: StrReplace and Write (fixture transcript); Delete; edit_file sketches give nothing", async () => {
    const t = await readCursorTranscript(
      fixture("cursor", ".cursor", "projects", "home-dev-work-shop", "agent-transcripts", `${SESSIONS.cursor}.jsonl`),
      { roots: ROOTS, summary: true },
    );
    expect(summary(t)).toEqual(["replace src/auth.py", "write tests/test_auth.py 50 lines", "replace src/auth.py"]);
    expect(cursorWrites("Delete", {}, "f", undefined)).toEqual([{ path: "f", op: "delete" }]);
    expect(cursorWrites("edit_file", { code_edit: "// ... existing code ...\nx" }, "f", undefined)).toEqual([]);
  });

  test("Copilot CLI: str_replace and create (fixture events); insert gives nothing", async () => {
    const t = await readCopilotEvents(
      fixture("copilot-cli", ".copilot", "session-state", SESSIONS.copilot, "events.jsonl"),
      { roots: ROOTS, summary: true },
    );
    expect(summary(t)).toEqual(["replace src/auth.py", "write tests/test_auth.py 50 lines", "replace src/auth.py"]);
    expect(copilotWrites("insert", { insert_line: 3, new_str: "x" }, "f", undefined, (p) => p)).toEqual([]);
  });
});

/** Replays writes, each `[owner, write]`, on `base` files; every line's owner of `path` as `owner|-`. */
function owners(base: Record<string, string>, writes: [string, FileWrite][], path: string): string[] | "failed" {
  const r = replayWrites(
    writes.map(([owner, write]): OwnedWrite => ({ owner, write })),
    (p) => base[p],
  );
  const f = r.files.get(path);
  if (!f) return [];
  if (r.failed.get(path)?.size) return "failed";
  return f.lines.map((l, i) => `${f.owners[i] ?? "-"} ${l.trimEnd()}`);
}

const rep = (path: string, old: string, now: string, all = false): FileWrite => ({
  path,
  op: "replace",
  old,
  new: now,
  ...(all ? { all } : {}),
});

describe("replay: the owner of every line", () => {
  test("an edit owns the lines it changed, not the context it repeats", () => {
    expect(owners({ f: "a\nb\nc\n" }, [["S", rep("f", "a\nb\n", "a\nB\nb2\n")]], "f")).toEqual([
      "- a",
      "S B",
      "S b2",
      "- c",
    ]);
  });

  test("replace_all: every occurrence; a part of a line makes the line the session's", () => {
    expect(owners({ f: "x = DB\ny\nz(DB)\n" }, [["S", rep("f", "DB", "DATABASE", true)]], "f")).toEqual([
      "S x = DATABASE",
      "- y",
      "S z(DATABASE)",
    ]);
  });

  test("old text across lines: starting mid-line, ending mid-line; replace_all across lines", () => {
    expect(owners({ f: "a\nkb\ncd\ne\n" }, [["S", rep("f", "b\nc", "X")]], "f")).toEqual(["- a", "S kXd", "- e"]);
    expect(owners({ f: "x\ny\nq\nx\ny\n" }, [["S", rep("f", "x\ny\n", "z\n", true)]], "f")).toEqual([
      "S z",
      "- q",
      "S z",
    ]);
    // The new text holds the old: replace_all goes on after it, not into it.
    expect(owners({ f: "ab ab\n" }, [["S", rep("f", "ab", "abab", true)]], "f")).toEqual(["S abab abab"]);
  });

  test("a Write over an existing file: lines kept at its start and end keep their owner", () => {
    const write: FileWrite = { path: "f", op: "write", content: "a\nNEW\nc\n" };
    expect(owners({ f: "a\nb\nc\n" }, [["S", write]], "f")).toEqual(["- a", "S NEW", "- c"]);
  });

  test("two agents in one file: each owns its own; the later write owns a line both wrote", () => {
    const writes: [string, FileWrite][] = [
      ["A", { path: "f", op: "write", content: "one\ntwo\nthree\n" }],
      ["B", rep("f", "three\n", "three\nfour\n")],
      ["B", rep("f", "two\n", "TWO\n")],
    ];
    expect(owners({}, writes, "f")).toEqual(["A one", "B TWO", "A three", "B four"]);
  });

  test("an agent revising its own line still owns it", () => {
    const writes: [string, FileWrite][] = [
      ["A", { path: "f", op: "write", content: "x = 1\n" }],
      ["A", rep("f", "x = 1", "x = 2")],
    ];
    expect(owners({}, writes, "f")).toEqual(["A x = 2"]);
  });

  test("an edit whose old text is not there: the file falls back (file-level) for that session", () => {
    expect(owners({ f: "a\n" }, [["S", rep("f", "zzz", "y")]], "f")).toBe("failed");
    // Already applied (made before the parent commit): nothing to do, no failure.
    expect(owners({ f: "a\ny\n" }, [["S", rep("f", "zzz\n", "y\n")]], "f")).toEqual(["- a", "- y"]);
  });

  test("a moved file keeps its lines' owners under its new name", () => {
    const writes: [string, FileWrite][] = [
      ["S", rep("a.py", "1\n", "one\n")],
      ["S", { path: "a.py", op: "move", to: "b.py" }],
    ];
    expect(owners({ "a.py": "1\n2\n" }, writes, "b.py")).toEqual(["S one", "- 2"]);
  });
});

describe("line ranges", () => {
  test("written and read back", () => {
    expect(toRanges([3, 4, 5, 6, 7, 8, 9, 10, 15])).toBe("3-10,15");
    expect(toRanges([])).toBe("");
    expect(parseRanges("3-10,15")).toEqual([
      [3, 10],
      [15, 15],
    ]);
    expect(parseRanges("")).toEqual([]);
  });

  test("anything else is refused: zero, backwards, overlapping, out of order, junk", () => {
    for (const bad of ["0", "5-3", "3-5,5", "7,3", "a", "1-", "1,,2", " 1", "1e3"]) expect(parseRanges(bad)).toBeNull();
    expect(parseRanges(Array.from({ length: 10_001 }, (_, i) => `${2 * i + 1}`).join(","))).toBeNull();
  });
});
