// The tool's errors: one base (TracesError) with a stable code and data, and the one place
// that turns an error into a message and an exit status (src/cli/errors.ts reportError).

import { expect, test } from "bun:test";
import { TracesError } from "../../src/base/errors.ts";
import { SettingsFileError } from "../../src/agents/shared/json-file.ts";
import { UnsafeFileError } from "../../src/agents/shared/safe-file.ts";
import { OpencodeDbError } from "../../src/agents/opencode/db.ts";
import { TranscriptError } from "../../src/agents/types.ts";
import { ContentRefCorrupt, ContentWriteConflict } from "../../src/content/content.ts";
import { ExecError } from "../../src/git/exec.ts";
import { GitError } from "../../src/git/runner.ts";
import { NotesRefCorrupt, NotesTreeInvalid, NotesWriteConflict } from "../../src/notes/store.ts";
import { RefLocked } from "../../src/git/fast-import.ts";
import { CliError, reportError, UsageError } from "../../src/cli/errors.ts";
import { bufferIO } from "../../src/cli/io.ts";

const every: [TracesError, string, Record<string, unknown>][] = [
  [
    new GitError(["notes", "show"], 128, "fatal: bad object\n"),
    "GIT_FAILED",
    { argv: ["notes", "show"], exitCode: 128 },
  ],
  [new ExecError("/usr/bin/git", "ENOENT"), "EXEC_FAILED", { path: "/usr/bin/git", errno: "ENOENT" }],
  [
    new SettingsFileError("/h/.claude/settings.json", "not JSON"),
    "SETTINGS_UNREADABLE",
    { file: "/h/.claude/settings.json", reason: "not JSON" },
  ],
  [new UnsafeFileError("/h/x", "a FIFO"), "FILE_NOT_READ", { path: "/h/x", reason: "a FIFO" }],
  [new OpencodeDbError("/h/db", "locked"), "OPENCODE_DB_UNREADABLE", { path: "/h/db", reason: "locked" }],
  [
    new TranscriptError("/h/t.jsonl", "too large"),
    "TRANSCRIPT_UNREADABLE",
    { path: "/h/t.jsonl", reason: "too large" },
  ],
  [new ContentRefCorrupt("refs/traces/content"), "CONTENT_REF_CORRUPT", { ref: "refs/traces/content" }],
  [new ContentWriteConflict("refs/traces/content"), "CONTENT_WRITE_CONFLICT", { ref: "refs/traces/content" }],
  [
    new RefLocked("refs/notes/traces", "/r/.git/refs/notes/traces.lock"),
    "REF_LOCKED",
    { ref: "refs/notes/traces", lockFile: "/r/.git/refs/notes/traces.lock" },
  ],
  [new NotesWriteConflict("refs/notes/traces"), "NOTES_WRITE_CONFLICT", { ref: "refs/notes/traces" }],
  [new NotesRefCorrupt("refs/notes/traces"), "NOTES_REF_CORRUPT", { ref: "refs/notes/traces" }],
  [
    new NotesTreeInvalid("refs/notes/traces", "c0ffee", [{ path: "ab", why: "a gitlink" }]),
    "NOTES_TREE_INVALID",
    { ref: "refs/notes/traces", commit: "c0ffee", bad: [{ path: "ab", why: "a gitlink" }] },
  ],
  [new CliError("no remote", "NO_REMOTE", { remote: "x" }), "NO_REMOTE", { remote: "x" }],
  [new UsageError("unknown option '--x'", { option: "--x" }), "USAGE", { option: "--x" }],
];

test("every error of the tool is a TracesError with a stable code, its data, and JSON", () => {
  for (const [error, code, data] of every) {
    expect(error).toBeInstanceOf(TracesError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.data).toEqual(data);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code,
      message: error.message,
      data: JSON.parse(JSON.stringify(data)),
    });
  }
});

test("reportError: our errors print their message, with the CLI's own exit statuses", () => {
  const cases: [TracesError, number][] = [
    [new SettingsFileError("/h/settings.json", "not JSON"), 1],
    [new GitError(["fetch", "origin"], 128, "fatal: unable to access\n"), 1],
    [new CliError("cannot change to '/x'", "CHDIR", {}, 128), 128],
    [new UsageError("unknown option '--jsno'"), 129],
  ];
  for (const [error, status] of cases) {
    const io = bufferIO();
    expect(reportError(error, io, {})).toBe(status);
    expect(io.stderr).toBe(`git-traces: ${error.message}\n`);
    expect(io.stdout).toBe("");
  }
});

test("reportError: an error that only looks like ours (a code field) is unexpected, with the way to its stack", () => {
  // A node:fs error carries `code: "ENOENT"`: not a message written for the user.
  let fsError: unknown;
  try {
    require("node:fs").readFileSync("/nonexistent/git-traces-test");
  } catch (e) {
    fsError = e;
  }
  const io = bufferIO();
  expect(reportError(fsError, io, {})).toBe(1);
  expect(io.stderr).toStartWith("git-traces: unexpected error: ENOENT");
  expect(io.stderr).toEndWith("git-traces: run again with GIT_TRACES_DEBUG=1 for details\n");
  const debug = bufferIO();
  reportError(fsError, debug, { GIT_TRACES_DEBUG: "1" });
  expect(debug.stderr).toContain("at ");
});
