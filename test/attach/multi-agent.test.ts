// Three agents worked side by side in one repository before one commit, each on its own
// files: the commit carries exactly the sessions whose files it contains, and the next
// commit the remaining one.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeTranscript, codexTranscript, geminiTranscript, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop } from "../helpers/shop.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("multi");
});
afterAll(() => box?.cleanup());

/** Moves a session's edits from the scenario's files to `<name>` ones, keeping the file's time. */
function retarget(transcript: string, name: string): void {
  const { atime, mtime } = statSync(transcript);
  const text = readFileSync(transcript, "utf8")
    .replaceAll("src/auth.py", `src/${name}.py`)
    .replaceAll("tests/test_auth.py", `tests/test_${name}.py`);
  writeFileSync(transcript, text);
  utimesSync(transcript, atime, mtime);
}

test("Claude Code, Codex and Gemini CLI on different files: each commit gets exactly its sessions", () => {
  const shop = makeShop(box, ["claude-code", "codex", "gemini-cli"], { edits: false });
  retarget(claudeTranscript(box.home, shop.repo), "claude");
  retarget(codexTranscript(box.home), "codex");
  retarget(geminiTranscript(box.home), "gemini");
  for (const name of ["claude", "codex", "gemini"]) {
    writeFileSync(join(shop.repo, "src", `${name}.py`), `# written by ${name}\n`);
    writeFileSync(join(shop.repo, "tests", `test_${name}.py`), `def test_${name}():\n    assert True\n`);
  }
  // First commit: Claude's and Gemini's files only.
  expect(
    shop.git(["add", "src/claude.py", "tests/test_claude.py", "src/gemini.py", "tests/test_gemini.py"]).exitCode,
  ).toBe(0);
  const first = shop.git(["commit", "-q", "-m", "claude and gemini work"], {
    env: at(box.env, "2026-11-20T10:20:00Z"),
  });
  expect(first.exitCode).toBe(0);
  expect(first.err).toBe("");
  expect(shop.traces().sort()).toEqual([SESSIONS.claude, SESSIONS.gemini].sort());
  // Second commit: Codex's files.
  expect(shop.git(["add", "-A"]).exitCode).toBe(0);
  expect(shop.git(["commit", "-q", "-m", "codex work"], { env: at(box.env, "2026-11-20T10:21:00Z") }).exitCode).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.codex]);
  // Each note names only the session's files of that commit.
  const note = shop.note("HEAD~1");
  expect(note).toContain('"files":["src/claude.py","tests/test_claude.py"]');
  expect(note).toContain('"files":["src/gemini.py","tests/test_gemini.py"]');
  expect(note).not.toContain("codex");
});
