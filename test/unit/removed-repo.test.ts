// A background worker may still be running when the user removes the repository (`rm -rf
// repo && git clone <url> repo`, as git's t5516 does between tests). What it writes into
// the repository must then fail, not bring the path back: a recreated `repo/.git/traces`
// makes the clone fail with "destination path 'repo' already exists".

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordQuiet } from "../../src/attach/quiet.ts";
import { makeDirsUnder } from "../../src/base/dirs.ts";
import { writeLog } from "../../src/base/report.ts";
import { updateSyncState } from "../../src/sync/state.ts";

const dir = mkdtempSync(join(tmpdir(), "git-traces-removed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("makeDirsUnder makes what is missing below an existing root, and never the root", () => {
  const root = join(dir, "present", ".git");
  mkdirSync(root, { recursive: true });
  makeDirsUnder(root, join(root, "traces", "logs"));
  expect(existsSync(join(root, "traces", "logs"))).toBe(true);
  makeDirsUnder(root, join(root, "traces", "logs")); // already there: nothing to do
  const gone = join(dir, "gone", ".git");
  expect(() => makeDirsUnder(gone, join(gone, "traces"))).toThrow();
  expect(existsSync(join(dir, "gone"))).toBe(false);
  expect(() => makeDirsUnder(root, join(dir, "elsewhere"))).toThrow();
});

test("a worker's log, sync state and quiet record do not bring a removed repository back", async () => {
  const repo = join(dir, "removed");
  const gitDir = join(repo, ".git");
  expect(writeLog(gitDir, "push", new Error("posix_spawn ENOENT"))).toBeNull();
  expect(() => updateSyncState(gitDir, (s) => void (s.remotes.origin = { lastPush: "now" }))).toThrow();
  await expect(recordQuiet(gitDir, [], 0, { HOME: join(dir, "home") })).rejects.toThrow();
  expect(existsSync(repo)).toBe(false);
});
