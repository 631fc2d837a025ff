// `git config traces.upload '<command>'`: after a commit, in the background, the command
// gets the redacted trace and its URL goes into the note. Whatever the command does (fail,
// hang, print garbage, take its time), git's own result and timing stay git's.

import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLAUDE_FIXTURE_TRANSCRIPT, claudeFolder, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, settle, type Result, type Sandbox } from "../helpers/sandbox.ts";
import { at } from "../helpers/shop.ts";
import { makeRemote, makeUser, type User } from "../helpers/users.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

setDefaultTimeout(30_000);

let alice: User;
let dir: Sandbox;
let repo: string;
let remote: string;

beforeEach(() => {
  requireBinary();
  alice = makeUser("alice");
  dir = makeSandbox("upload");
  remote = makeRemote(dir.dir);
  repo = join(alice.box.home, "shop");
  expect(alice.git(["clone", "-q", remote, repo], alice.box.home).exitCode).toBe(0);
});
afterEach(() => {
  alice?.cleanup();
  dir?.cleanup();
});

const realGit = (args: string[], cwd = repo) => run([REAL_GIT, ...args], { cwd, env: alice.box.realEnv });
const config = (key: string, value: string) => expect(realGit(["config", key, value]).exitCode).toBe(0);
const shim = (args: string[], extra: Record<string, string> = {}) =>
  run([join(alice.box.bin, "git"), ...args], {
    cwd: repo,
    env: { ...at(alice.env, "2026-11-20T10:08:00Z"), ...extra },
  });

/** A fake upload command: a shell script in the sandbox. */
function script(name: string, body: string): string {
  const path = join(dir.dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Like User.agentCommit, with a secret in the session's first prompt: a Claude Code session
 * `id` that edited `file`, then `git commit` through the shim. Returns git's result, not
 * waiting for background work.
 */
function agentCommit(file: string, id: string): Result {
  agentSession(file, id);
  return shim(["commit", "-q", "-m", `alice: ${file}`]);
}

/** The session and its edit, staged, without committing. */
function agentSession(file: string, id: string): void {
  const text = readFileSync(CLAUDE_FIXTURE_TRANSCRIPT, "utf8")
    .replaceAll(SESSIONS.claude, id)
    .replaceAll(
      "Add login with rate limiting to src/auth.py and a test",
      `Add login with rate limiting; the key is AWS_SECRET_ACCESS_KEY=${SECRET} in ${repo}/.env`,
    )
    .replaceAll("/home/dev/work/shop/src/auth.py", join(repo, file))
    .replaceAll("/home/dev/work/shop", repo);
  const dest = join(alice.box.home, ".claude", "projects", claudeFolder(repo), `${id}.jsonl`);
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, text);
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), `${id}\n`);
  expect(realGit(["add", file]).exitCode).toBe(0);
}

const queueFile = () => join(repo, ".git", "traces", "uploads.json");
const queue = (): { id: string; attempts: number; gaveUp?: boolean; error?: { kind: string } }[] =>
  existsSync(queueFile()) ? JSON.parse(readFileSync(queueFile(), "utf8")).jobs : [];
const note = (rev = "HEAD") => realGit(["notes", "--ref=traces", "show", rev]).out;

function pendingEmpty(): boolean {
  try {
    return readdirSync(join(alice.box.home, ".local", "share", "git-traces", "pending")).length === 0;
  } catch {
    return true;
  }
}

/** Waits until no worker is pending and no upload runs (a worker lifts its mark while uploading). */
function waitUploads(maxMs = 20_000): void {
  const lock = join(repo, ".git", "traces", "uploads.running");
  const deadline = Date.now() + maxMs;
  for (;;) {
    settle(alice.box.home, maxMs);
    if (!existsSync(lock) && pendingEmpty()) return;
    if (Date.now() > deadline) throw new Error("uploads still running");
    Bun.sleepSync(20);
  }
}

test("a URL the command prints goes into the trace's traces: line; it got the redacted trace in a private file, removed afterwards", () => {
  const seen = join(dir.dir, "seen");
  mkdirSync(seen);
  const cmd = script(
    "upload-ok",
    `cp "$2" "${seen}/$1.json"; stat -c %a "$2" > "${seen}/mode"; echo "$2" > "${seen}/path"; echo "Uploaded."; echo "https://traces.example/s/$1"`,
  );
  config("traces.upload", `${cmd} {id} {file}`);
  const r = agentCommit("src/a.py", "sess-ok-1");
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  waitUploads();
  expect(note()).toContain("traces:sess-ok-1 https://traces.example/s/sess-ok-1\n");
  expect(note()).not.toMatch(/^traces:sess-ok-1$/m);
  // What the command got: the trace as JSON, redacted, in a 0600 file that is gone now.
  const uploaded = readFileSync(join(seen, "sess-ok-1.json"), "utf8");
  const trace = JSON.parse(uploaded);
  expect(trace.id).toBe("sess-ok-1");
  expect(trace.transcript).toBeUndefined(); // a path on this machine, not shared
  const shown = JSON.parse(shim(["traces", "show", "sess-ok-1", "--redacted", "--json"]).out);
  expect(shown.traces[0].trace).toEqual(trace); // what `show --redacted` shows is what was sent
  expect(uploaded).toContain("AWS_SECRET_ACCESS_KEY=[REDACTED:secret]");
  expect(uploaded).not.toContain(SECRET);
  expect(uploaded).not.toContain(alice.box.home);
  expect(readFileSync(join(seen, "mode"), "utf8").trim()).toBe("600");
  expect(existsSync(readFileSync(join(seen, "path"), "utf8").trim())).toBe(false);
  expect(queue()).toEqual([]);
  // Pushed with the notes: the remote has the URL.
  expect(alice.git(["push", "-q", "origin", "HEAD"], repo).exitCode).toBe(0);
  waitUploads();
  const head = realGit(["rev-parse", "HEAD"]).out.trim();
  const remoteNote = run([REAL_GIT, "--git-dir", remote, "notes", "--ref=traces", "show", head], {
    env: alice.box.realEnv,
  });
  expect(remoteNote.out).toContain("traces:sess-ok-1 https://traces.example/s/sess-ok-1\n");
});

test("two traces on one commit: both uploaded, their URLs written in one notes commit", () => {
  const cmd = script("upload-two", `echo "https://traces.example/s/$1"`);
  config("traces.upload", `${cmd} {id}`);
  agentSession("src/a.py", "sess-two-a");
  agentSession("src/b.py", "sess-two-b");
  expect(shim(["commit", "-q", "-m", "both"]).exitCode).toBe(0);
  waitUploads();
  expect(note()).toContain(
    "traces:sess-two-a https://traces.example/s/sess-two-a\ntraces:sess-two-b https://traces.example/s/sess-two-b\n",
  );
  expect(realGit(["log", "--format=%s", "refs/notes/traces"]).out).toBe("git-traces: upload\ngit-traces: commit\n");
});

test("a failing command: git's result unchanged, one warning at the next command, retried on the next commit and on push, then given up with a way to retry", () => {
  const state = join(dir.dir, "mode");
  writeFileSync(state, "fail\n");
  const cmd = script(
    "upload-flaky",
    `if [ "$(cat "${state}")" = ok ]; then echo "{\\"ok\\":true,\\"data\\":{\\"sharedUrl\\":\\"https://traces.example/s/$1\\"}}"; else echo "service unavailable" >&2; exit 3; fi`,
  );
  config("traces.upload", `${cmd} {id}`);
  config("traces.uploadRetryDelay", "0");
  const first = agentCommit("src/a.py", "sess-flaky");
  expect(first.exitCode).toBe(0);
  expect(first.err).toBe("");
  waitUploads();
  expect(note()).toMatch(/^traces:sess-flaky$/m);
  expect(queue()).toMatchObject([{ id: "sess-flaky", attempts: 1, error: { kind: "exit" } }]);

  // The next command through the shim says it, once; its own result is git's.
  const next = shim(["commit", "--allow-empty", "-m", "two"]);
  expect(next.exitCode).toBe(0);
  expect(next.err.trim().split("\n")).toHaveLength(1);
  expect(next.err).toMatch(
    /^git-traces: warning: uploading trace sess-flaky failed: the upload command exited with status 3 \(service unavailable\); it is tried again after the next commit or push/,
  );
  waitUploads();
  expect(queue()[0]!.attempts).toBe(2); // retried by that commit's worker
  const third = shim(["commit", "-q", "--allow-empty", "-m", "three"]);
  expect(third.err).toBe(""); // not per attempt
  waitUploads();
  expect(queue()[0]!.attempts).toBe(3);

  // The push's worker retries too (before it pushes the notes); the push is git's.
  const push = shim(["push", "-q", "origin", "HEAD"]);
  expect(push.exitCode).toBe(0);
  expect(push.err).toBe("");
  waitUploads();
  expect(queue()[0]!.attempts).toBe(4);
  shim(["commit", "-q", "--allow-empty", "-m", "four"]);
  waitUploads();
  const last = queue()[0]!;
  expect(last.attempts).toBe(5);
  expect(last.gaveUp).toBe(true);
  const told = shim(["status", "--short"]); // a pass-through says nothing
  expect(told.err).toBe("");
  const said = shim(["commit", "--allow-empty", "-m", "five"]);
  expect(said.exitCode).toBe(0);
  expect(said.err).toContain(
    "git-traces: warning: gave up uploading trace sess-flaky after 5 attempts: the upload command exited with status 3 (service unavailable); run 'git traces upload sess-flaky' to try again",
  );
  waitUploads();
  expect(queue()[0]!.attempts).toBe(5); // given up: no more tries

  // Listed, and retried by hand once the service is back.
  const list = shim(["traces", "upload", "--list", "--json"]);
  expect(JSON.parse(list.out).uploads).toMatchObject([
    { id: "sess-flaky", status: "gave-up", attempts: 5, error: { kind: "exit" } },
  ]);
  // The view in a pipe is the view: the same columns as on a terminal, no tabs.
  expect(shim(["traces", "upload", "--list"]).out).toStartWith("sess-flaky  gave up  5/5 attempts  ");
  writeFileSync(state, "ok\n");
  const again = shim(["traces", "upload", "sess-flaky"]);
  expect(again.exitCode).toBe(0);
  expect(again.out).toBe("https://traces.example/s/sess-flaky\n");
  expect(again.err).toContain("the note of 1 commit now links it");
  expect(note("HEAD~4")).toContain("traces:sess-flaky https://traces.example/s/sess-flaky\n");
  expect(queue()).toEqual([]);
});

test("a failed upload retried by the push's worker travels with that push", () => {
  const state = join(dir.dir, "mode");
  writeFileSync(state, "fail\n");
  const cmd = script("upload-later", `[ "$(cat "${state}")" = ok ] && echo "https://traces.example/s/$1" || exit 1`);
  config("traces.upload", `${cmd} {id}`);
  expect(agentCommit("src/a.py", "sess-later").exitCode).toBe(0);
  waitUploads();
  expect(queue()).toMatchObject([{ id: "sess-later", attempts: 1 }]);
  writeFileSync(state, "ok\n");
  // The retry delay (60 s by default) holds back a commit's retry, not a push's.
  const push = shim(["push", "-q", "origin", "HEAD"]);
  expect(push.exitCode).toBe(0);
  waitUploads();
  expect(queue()).toEqual([]);
  const head = realGit(["rev-parse", "HEAD"]).out.trim();
  const remoteNote = run([REAL_GIT, "--git-dir", remote, "notes", "--ref=traces", "show", head], {
    env: alice.box.realEnv,
  });
  expect(remoteNote.out).toContain("traces:sess-later https://traces.example/s/sess-later\n");
  expect(remoteNote.out).not.toMatch(/^traces:sess-later$/m);
});

test("an upload command that does not exist: a warning that says so, git unaffected", () => {
  config("traces.upload", "no-such-uploader share {id} {file}");
  const r = agentCommit("src/a.py", "sess-missing");
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  waitUploads();
  expect(queue()).toMatchObject([{ id: "sess-missing", attempts: 1, error: { kind: "missing" } }]);
  const next = shim(["commit", "--allow-empty", "-m", "next"]);
  expect(next.exitCode).toBe(0);
  expect(next.err).toMatch(
    /^git-traces: warning: uploading trace sess-missing failed: the upload command was not found \(.*no-such-uploader: not found\)/,
  );
  const up = shim(["traces", "upload", "sess-missing", "--json"]);
  expect(up.exitCode).toBe(1);
  expect(JSON.parse(up.out).uploads[0].error.kind).toBe("missing");
});

test("a trace whose transcript the agent deleted is uploaded from its snapshot", () => {
  const state = join(dir.dir, "mode");
  writeFileSync(state, "fail\n");
  const seen = join(dir.dir, "seen.json");
  const cmd = script(
    "upload-snap",
    `[ "$(cat "${state}")" = ok ] || exit 1; cp "$2" "${seen}"; echo "https://traces.example/s/$1"`,
  );
  config("traces.upload", `${cmd} {id} {file}`);
  expect(agentCommit("src/a.py", "sess-gone").exitCode).toBe(0);
  waitUploads();
  rmSync(join(alice.box.home, ".claude", "projects", claudeFolder(repo), "sess-gone.jsonl"));
  writeFileSync(state, "ok\n");
  const up = shim(["traces", "upload", "sess-gone"]);
  expect(up.exitCode).toBe(0);
  expect(up.out).toBe("https://traces.example/s/sess-gone\n");
  const uploaded = readFileSync(seen, "utf8");
  expect(JSON.parse(uploaded).id).toBe("sess-gone");
  expect(uploaded).not.toContain(SECRET);
  expect(note()).toContain("traces:sess-gone https://traces.example/s/sess-gone\n");
});

test("a command that hangs is killed, with everything it started, after traces.uploadTimeout; git is unaffected", () => {
  const pids = join(dir.dir, "pids");
  const cmd = script("upload-hang", `echo $$ > "${pids}"; sleep 60 & echo $! >> "${pids}"; wait`);
  config("traces.upload", `${cmd} {id} {file}`);
  config("traces.uploadTimeout", "1");
  const started = Date.now();
  const r = agentCommit("src/a.py", "sess-hang");
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(Date.now() - started).toBeLessThan(3000);
  waitUploads();
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(queue()).toMatchObject([{ id: "sess-hang", attempts: 1, error: { kind: "timeout" } }]);
  // The shell and its child: gone (or dead and waiting for init to reap them).
  const gone = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
    } catch {
      return true;
    }
  };
  const pidList = readFileSync(pids, "utf8").trim().split("\n").map(Number);
  expect(pidList).toHaveLength(2);
  for (const pid of pidList) expect(gone(pid)).toBe(true);
  expect(note()).toMatch(/^traces:sess-hang$/m);
  const next = shim(["commit", "--allow-empty", "-m", "next"]);
  expect(next.exitCode).toBe(0);
  expect(next.err).toContain(
    "uploading trace sess-hang failed: the upload command did not finish within 1 s and was stopped",
  );
});

test("garbage, a URL inside terminal escapes, javascript: or credentials in the URL: no URL is written", () => {
  const out = join(dir.dir, "out");
  const cmd = script("upload-says", `cat "${out}"`);
  config("traces.upload", `${cmd} {id}`);
  config("traces.uploadRetryDelay", "3600");
  const r = agentCommit("src/a.py", "sess-bad");
  expect(r.exitCode).toBe(0);
  waitUploads();
  const before = note();
  const outputs = [
    "upload complete\n",
    "\x1b[32mhttps://traces.example/s/sess-bad\x1b[0m\n",
    "javascript:alert(1)\n",
    '{"url":"javascript:alert(document.cookie)"}\n',
    '{"ok":true,"data":{"sharedUrl":"https://traces.example/s/x\\u001b[2J"}}\n',
    "https://user:hunter2@traces.example/s/sess-bad\n",
    "see https://\u202etraces.example/s\n",
    `${"x".repeat(300_000)}\n`,
  ];
  for (const text of outputs) {
    writeFileSync(out, text);
    const up = shim(["traces", "upload", "sess-bad", "--json"]);
    expect(up.exitCode).toBe(1);
    expect(JSON.parse(up.out).uploads[0]).toMatchObject({
      id: "sess-bad",
      ok: false,
      url: null,
      error: { kind: "no-url" },
    });
    expect(up.err).toBe("");
    expect(note()).toBe(before);
  }
  // And the text form names what happened, with the output made harmless.
  writeFileSync(out, "\x1b]0;pwned\x07done\n");
  const text = shim(["traces", "upload", "sess-bad"]);
  expect(text.exitCode).toBe(1);
  expect(text.err).toBe(
    "git-traces: upload of trace sess-bad failed: the upload command printed no usable http(s) URL (its output began: ^[]0;pwned^Gdone)\n",
  );
  expect(text.err).not.toContain("\x1b");
});

test("{id} cannot carry shell syntax (IDs are checked) and {file} is one quoted word, whatever the temporary directory", () => {
  const pwned = join(dir.dir, "pwned");
  const bad = shim(["traces", "upload", `x;touch ${pwned}`]);
  expect(bad.exitCode).toBe(129);
  expect(bad.err).toContain("not a valid trace ID");
  expect(existsSync(pwned)).toBe(false);

  const seen = join(dir.dir, "seen.json");
  const cmd = script("upload-copy", `cp "$2" "${seen}" && echo "https://traces.example/s/$1"`);
  config("traces.upload", `${cmd} {id} {file}`);
  const tmp = join(dir.dir, `tmp dir $(touch ${pwned}) 'q`);
  mkdirSync(tmp, { recursive: true });
  const r = agentCommit("src/a.py", "sess-quoted");
  expect(r.exitCode).toBe(0);
  waitUploads();
  const up = shim(["traces", "upload", "sess-quoted"], { TMPDIR: tmp });
  expect(up.err).toContain("Uploaded trace sess-quoted");
  expect(up.exitCode).toBe(0);
  expect(JSON.parse(readFileSync(seen, "utf8")).id).toBe("sess-quoted");
  expect(existsSync(pwned)).toBe(false);
  expect(readdirSync(tmp)).toEqual([]); // removed afterwards
});

test("the commit returns before the upload runs, and the next commit does not wait for it", () => {
  const done = join(dir.dir, "done");
  const cmd = script("upload-slow", `sleep 5; touch "${done}"; echo "https://traces.example/s/$1"`);
  config("traces.upload", `${cmd} {id}`);
  let t = Date.now();
  const r = agentCommit("src/a.py", "sess-slow");
  const commitMs = Date.now() - t;
  expect(r.exitCode).toBe(0);
  expect(commitMs).toBeLessThan(1500);
  // The worker records the note, then lets go of its mark while the upload runs.
  settle(alice.box.home);
  expect(note()).toMatch(/^traces:sess-slow$/m);
  t = Date.now();
  const next = shim(["commit", "--allow-empty", "-m", "next"]);
  expect(next.exitCode).toBe(0);
  expect(Date.now() - t).toBeLessThan(1500);
  expect(existsSync(done)).toBe(false); // still uploading
  waitUploads();
  expect(existsSync(done)).toBe(true);
  expect(note("HEAD~1")).toContain("traces:sess-slow https://traces.example/s/sess-slow\n");
});

test("without traces.upload nothing runs and nothing is queued; git traces upload says how to set it", () => {
  const r = agentCommit("src/a.py", "sess-none");
  expect(r.exitCode).toBe(0);
  waitUploads();
  expect(existsSync(queueFile())).toBe(false);
  const up = shim(["traces", "upload", "sess-none"]);
  expect(up.exitCode).toBe(1);
  expect(up.err).toBe(
    "git-traces: no upload command is set; set one with: git config traces.upload '<command with {id} and {file}>' (add --global for every repository)\n",
  );
  const list = shim(["traces", "upload", "--list"]);
  expect(list.exitCode).toBe(0);
  expect(list.err).toBe("No uploads are waiting.\n");
  expect(statSync(repo).isDirectory()).toBe(true);
});
