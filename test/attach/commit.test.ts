// Attach on commit, end to end: real git through the compiled shim, a sandbox HOME holding
// the fixtures' Claude Code and Codex sessions, repositories built by the test.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import {
  claudeFolder,
  claudeTranscript,
  codexTranscript,
  FIXTURES,
  installAgentFixtures,
  SESSIONS,
} from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, settle, sh, type Sandbox } from "../helpers/sandbox.ts";
import { AFTER, at, makeShop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("attach");
});
afterEach(() => box?.cleanup());

const TRACES_COM = /^traces:([a-zA-Z0-9_-]+)(?:\s+(https?:\/\/\S+))?$/;

describe("without hooks: sessions found in the agents' datastores", () => {
  test("Claude Code and Codex sessions land on the commit of the files they edited", () => {
    const shop = makeShop(box, ["claude-code", "codex"]);
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(shop.traces().sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
    const note = shop.note();
    const meta = note
      .split("\n")
      .filter((l) => l.startsWith("traces-meta:"))
      .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
    const claude = meta.find((m) => m.agent === "claude-code");
    expect(claude).toMatchObject({
      v: 1,
      model: "claude-sonnet-4-5-20250929",
      models: ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
      title: "Add login with rate limiting to src/auth.py and a test",
      files: ["src/auth.py", "tests/test_auth.py"],
      start: "2026-11-20T10:00:05.112Z",
      end: "2026-11-20T10:06:53.257Z",
      tools: { Read: 1, Task: 1, WebFetch: 1, Edit: 2, Write: 1, Bash: 1 },
    });
    expect(meta.find((m) => m.agent === "codex")).toMatchObject({
      model: "gpt-5-codex",
      agentVersion: "0.99.0",
      tools: { apply_patch: 3 },
    });
  });

  test("every traces: line parses with the traces.com CLI's own regex", () => {
    const shop = makeShop(box, ["claude-code", "codex"]);
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Add login"]);
    const lines = shop
      .note()
      .split("\n")
      .filter((l) => l.startsWith("traces:"));
    expect(lines.length).toBe(2);
    for (const l of lines) expect(TRACES_COM.test(l)).toBe(true);
    expect(lines.map((l) => TRACES_COM.exec(l)![1]).sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
  });

  test("a human commit of a file no session touched gets no note", () => {
    const shop = makeShop(box, ["claude-code", "codex"]);
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nEdited by hand.\n");
    const r = shop.git(["commit", "-q", "-m", "Docs", "README.md"]);
    expect(r.exitCode).toBe(0);
    expect(shop.note()).toBe("");
    // And the sessions' own files, committed next, still get their traces.
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, "2026-11-20T10:09:00Z") });
    expect(shop.traces().length).toBe(2);
  });

  test("edits already committed do not attach again; later edits do", () => {
    const shop = makeShop(box, ["claude-code"]);
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Add login"]);
    expect(shop.traces()).toEqual([SESSIONS.claude]);
    writeFileSync(join(shop.repo, "src", "auth.py"), "human change after the session\n");
    shop.git(["commit", "-q", "-am", "Tweak"], { env: at(box.env, "2026-11-20T10:20:00Z") });
    expect(shop.traces()).toEqual([]);
  });

  test("a session that ran in another repository is never attached", () => {
    const shop = makeShop(box, ["claude-code", "codex"], { edits: false });
    const other = join(box.home, "work", "other");
    mkdirSync(join(other, "src"), { recursive: true });
    mkdirSync(join(other, "tests"), { recursive: true });
    sh("git init -q && echo a > src/auth.py && git add -A && git commit -q -m init", {
      cwd: other,
      env: at(box.realEnv, "2026-11-20T09:00:00Z"),
    });
    writeFileSync(join(other, "src", "auth.py"), "same file names as the shop session\n");
    writeFileSync(join(other, "tests", "test_auth.py"), "x\n");
    const r = shop.git(["add", "-A"], { cwd: other });
    expect(r.exitCode).toBe(0);
    shop.git(["commit", "-q", "-m", "Other"], { cwd: other });
    expect(shop.note("HEAD", other)).toBe("");
  });

  test("nothing happens for a failed commit, a dry run, or no commit", () => {
    const shop = makeShop(box, ["claude-code"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "--dry-run", "-m", "x"]).exitCode).toBe(0);
    expect(shop.git(["commit", "-q", "--porcelain", "-m", "x"]).exitCode).toBe(0);
    writeFileSync(join(shop.repo, ".git", "hooks", "pre-commit"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    expect(shop.git(["commit", "-q", "-m", "refused by a hook"]).exitCode).toBe(1);
    expect(run(["/usr/bin/git", "for-each-ref", "refs/notes/"], { cwd: shop.repo, env: box.realEnv }).out).toBe("");
  });

  test("git config traces.enabled false turns it off for the repository", () => {
    const shop = makeShop(box, ["claude-code"]);
    shop.git(["config", "traces.enabled", "false"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.note()).toBe("");
  });

  test("a commit made from inside Claude Code's shell gets its session even without file overlap", () => {
    const shop = makeShop(box, ["claude-code"], { edits: false });
    writeFileSync(join(shop.repo, "CHANGELOG"), "written through a shell command\n");
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "From the agent"], { env: { CLAUDECODE: "1" } }).exitCode).toBe(0);
    expect(shop.traces()).toEqual([SESSIONS.claude]);
  });

  test("malformed and hostile transcripts: no crash, no stack trace, nothing unsafe attached", () => {
    const shop = makeShop(box, ["claude-code"]);
    const folder = join(box.home, ".claude", "projects", claudeFolder(shop.repo));
    for (const f of [
      "empty",
      "garbage-line",
      "hostile-strings",
      "huge-tool-result",
      "truncated-last-line",
      "unknown-record-type",
    ]) {
      const src = join(FIXTURES, "malformed", "claude-code", `${f}.jsonl`);
      const dest = join(folder, `${f}.jsonl`);
      copyFileSync(src, dest);
      sh(`sed -i 's#/home/dev/work/shop#${shop.repo}#g' '${dest}'`);
    }
    const codexDir = join(box.home, ".codex", "sessions", "2026", "11", "20");
    mkdirSync(codexDir, { recursive: true });
    for (const f of ["rollout-2026-11-20T10-10-00-01a1f86f-34c0-7e7b-83f6-79802b2863bb.jsonl"]) {
      copyFileSync(join(FIXTURES, "malformed", "codex", f), join(codexDir, f));
      sh(`sed -i 's#/home/dev/work/shop#${shop.repo}#g' '${join(codexDir, f)}'`);
    }
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, "2026-11-20T10:20:00Z") });
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const ids = shop.traces();
    expect(ids).toContain(SESSIONS.claude);
    expect(ids).toContain("01a1f86f-34c0-7e7b-83f6-79802b2863bb"); // no session_meta: ID from the file name
    expect(ids.join(" ")).not.toContain("evil");
    expect(shop.note()).not.toContain("\u001b");
  });
});

describe("with hooks: sessions the agents reported", () => {
  function hook(shop: { repo: string }, agent: string, event: string, transcript: string) {
    const payload = run(["/bin/cat", join(FIXTURES, "hook-payloads", agent, `${event}.json`)]).out;
    const rewritten = JSON.parse(
      payload.replaceAll("/home/dev/work/shop", shop.repo).replaceAll("/home/dev", box.home),
    );
    rewritten.transcript_path = transcript;
    return run([join(box.bin, "git-traces"), "hook", agent, event], {
      cwd: shop.repo,
      env: box.env,
      input: JSON.stringify(rewritten),
    });
  }

  test("hook records lead detection straight to the transcript, even outside the datastore", () => {
    const shop = makeShop(box, ["claude-code", "codex"]);
    // Move the transcripts where no datastore scan would look.
    const stash = join(box.dir, "elsewhere");
    mkdirSync(stash, { recursive: true });
    const claude = join(stash, `${SESSIONS.claude}.jsonl`);
    const codex = join(stash, `rollout-x-${SESSIONS.codex}.jsonl`);
    renameSync(claudeTranscript(box.home, shop.repo), claude);
    renameSync(codexTranscript(box.home), codex);
    for (const event of ["SessionStart", "UserPromptSubmit", "PostToolUse", "Stop"]) {
      const r = hook(shop, "claude-code", event, claude);
      expect(r.exitCode).toBe(0);
      expect(r.err).toBe("");
    }
    for (const event of ["SessionStart", "PostToolUse", "Stop"])
      expect(hook(shop, "codex", event, codex).exitCode).toBe(0);
    const active = JSON.parse(run(["/bin/cat", join(shop.repo, ".git", "traces", "active.json")]).out);
    expect(active.sessions.map((s: { id: string }) => s.id).sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces().sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
  });

  test("the payload names the agent, not the config whose hook ran (one editor fires another's hooks)", () => {
    const shop = makeShop(box, ["codex"]);
    // A Codex payload arrives through a hook installed for Claude Code.
    const payload = JSON.parse(
      run(["/bin/cat", join(FIXTURES, "hook-payloads", "codex", "PostToolUse.json")])
        .out.replaceAll("/home/dev/work/shop", shop.repo)
        .replaceAll("/home/dev", box.home),
    );
    const r = run([join(box.bin, "git-traces"), "hook", "claude-code", "PostToolUse"], {
      cwd: shop.repo,
      env: box.env,
      input: JSON.stringify(payload),
    });
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const active = JSON.parse(run(["/bin/cat", join(shop.repo, ".git", "traces", "active.json")]).out);
    expect(active.sessions.map((s: { id: string; agent: string }) => `${s.agent} ${s.id}`)).toEqual([
      `codex ${SESSIONS.codex}`,
    ]);
  });

  test("the hook never fails the agent: bad payloads, no repository, unknown agent all exit 0", () => {
    const shop = makeShop(box, [], { edits: false });
    const hookCmd = (args: string[], input: string, cwd = shop.repo) =>
      run([join(box.bin, "git-traces"), "hook", ...args], { cwd, env: box.env, input });
    const notJson = hookCmd(["claude-code", "Stop"], "{not json");
    expect(notJson.exitCode).toBe(0);
    expect(notJson.err.trim().split("\n")).toHaveLength(1);
    const evil = hookCmd(["claude-code", "Stop"], JSON.stringify({ session_id: "../../etc/passwd", cwd: shop.repo }));
    expect(evil.exitCode).toBe(0);
    expect(evil.err).toContain("without a usable session ID");
    expect(hookCmd(["nope", "Stop"], "{}").exitCode).toBe(0);
    expect(hookCmd([], "").exitCode).toBe(0);
    const outside = hookCmd(
      ["claude-code", "Stop"],
      JSON.stringify({ session_id: SESSIONS.claude, cwd: box.home }),
      box.home,
    );
    expect(outside.exitCode).toBe(0);
    expect(outside.err).toBe("");
    expect(run(["/usr/bin/find", box.home, "-name", "active.json"]).out).toBe("");
  });
});

test("two sessions in two worktrees of one repository each land on their own worktree's commits", async () => {
  const shop = makeShop(box, ["claude-code"]);
  const wt = join(box.home, "work", "shop-wt");
  sh(`git worktree add -q -b wt '${wt}'`, { cwd: shop.repo, env: box.realEnv });
  installAgentFixtures(["codex"], box.home, wt);
  // Codex edited the same files, in the other worktree.
  writeFileSync(join(wt, "src", "auth.py"), "codex's version\n");
  writeFileSync(join(wt, "tests", "test_auth.py"), "codex's test\n");
  shop.git(["add", "-A"]);
  shop.git(["add", "-A"], { cwd: wt });
  // Both commits at once: the notes ref is shared, so their writes race.
  const commitIn = (cwd: string, msg: string) =>
    Bun.spawn({
      cmd: [join(box.bin, "git"), "commit", "-q", "-m", msg],
      cwd,
      env: at(box.env, AFTER),
      stdout: "pipe",
      stderr: "pipe",
    }).exited;
  const [a, b] = await Promise.all([commitIn(shop.repo, "main work"), commitIn(wt, "worktree work")]);
  expect([a, b]).toEqual([0, 0]);
  settle(box.home);
  expect(shop.traces("HEAD", shop.repo)).toEqual([SESSIONS.claude]);
  expect(shop.traces("HEAD", wt)).toEqual([SESSIONS.codex]);
});

test("concurrent note writes from several processes all land (compare-and-swap on the notes ref)", async () => {
  const shop = makeShop(box, ["claude-code"], { edits: false });
  const commits: string[] = [];
  for (let i = 0; i < 6; i++) {
    writeFileSync(join(shop.repo, "CHANGELOG"), `change ${i}\n`);
    sh(`git add -A && git commit -q -m c${i}`, { cwd: shop.repo, env: at(box.realEnv, AFTER) });
    commits.push(run(["/usr/bin/git", "rev-parse", "HEAD"], { cwd: shop.repo, env: box.realEnv }).out.trim());
  }
  const codes = await Promise.all(
    commits.map(
      (c) =>
        Bun.spawn({
          cmd: [join(box.bin, "git"), "traces", "attach", c, SESSIONS.claude],
          cwd: shop.repo,
          env: box.env,
          stdout: "pipe",
          stderr: "pipe",
        }).exited,
    ),
  );
  expect(codes).toEqual(commits.map(() => 0));
  for (const c of commits) expect(shop.traces(c)).toEqual([SESSIONS.claude]);
  const notes = run(["/usr/bin/git", "notes", "--ref=traces", "list"], { cwd: shop.repo, env: box.realEnv })
    .out.trim()
    .split("\n");
  expect(notes).toHaveLength(6);
});

describe("where the trace work runs", () => {
  test("by default after git returns, in the background; `git traces` waits for it", () => {
    const shop = makeShop(box, ["claude-code"]);
    shop.git(["add", "-A"]);
    const r = run([join(box.bin, "git"), "commit", "-q", "-m", "Add login"], {
      cwd: shop.repo,
      env: at(box.env, AFTER),
    });
    expect(r.exitCode).toBe(0);
    // A command through the shim right away sees the note: it waits for the worker.
    const attach = run([join(box.bin, "git"), "traces", "attach", "HEAD", SESSIONS.claude], {
      cwd: shop.repo,
      env: box.env,
    });
    expect(attach.out).toContain("already attached");
  });

  test("GIT_TRACES_SYNC=1: before the command returns", () => {
    const shop = makeShop(box, ["claude-code"]);
    shop.git(["add", "-A"]);
    const r = run([join(box.bin, "git"), "commit", "-q", "-m", "Add login"], {
      cwd: shop.repo,
      env: { ...at(box.env, AFTER), GIT_TRACES_SYNC: "1" },
    });
    expect(r.exitCode).toBe(0);
    expect(shop.note()).toContain(`traces:${SESSIONS.claude}`);
  });

  test("a background failure is told by the next command, once", () => {
    const shop = makeShop(box, ["claude-code"]);
    shop.git(["add", "-A"]);
    // A notes ref that is not a commit: writing the note must fail.
    const blob = run(["/usr/bin/git", "hash-object", "-w", "--stdin"], {
      cwd: shop.repo,
      env: box.realEnv,
      input: "x",
    }).out.trim();
    sh(`git update-ref refs/notes/traces ${blob}`, { cwd: shop.repo, env: box.realEnv });
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    writeFileSync(join(shop.repo, "README.md"), "more\n");
    // A quiet command (-q, --porcelain) holds it for a command a person reads.
    const quiet = shop.git(["commit", "-q", "--allow-empty", "-m", "Quiet"], {
      env: at(box.env, "2026-11-20T10:20:00Z"),
    });
    expect([quiet.exitCode, quiet.err]).toEqual([0, ""]);
    const next = shop.git(["commit", "-am", "Next"], { env: at(box.env, "2026-11-20T10:30:00Z") });
    expect(next.exitCode).toBe(0);
    expect(next.err).toMatch(
      /git-traces: warning: the traces of commit [0-9a-f]{12} were not recorded: .*git traces attach [0-9a-f]{12}/,
    );
    // Once each: the quiet commit failed the same way and is told with it, the first once.
    expect(next.err.match(/were not recorded/g)).toHaveLength(1);
    expect(shop.git(["status", "-s"]).err).toBe("");
  });
});
