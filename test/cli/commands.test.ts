// Commands called as functions, without starting the binary: runX(options, deps) with a Deps
// made for the test (its streams a bufferIO, git the real one in a temporary repository,
// this program a file that cannot run). Exact stdout, stderr and exit status, in a
// pipe and on a terminal. The binary's own wiring (flags, help, exit statuses through
// main) is tested in cli.test.ts.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLog } from "../../src/base/report.ts";
import { makeDeps, type Deps } from "../../src/cli/deps.ts";
import { CliError, UsageError } from "../../src/cli/errors.ts";
import { bufferIO, type IO } from "../../src/cli/io.ts";
import { runDoctor } from "../../src/cli/commands/doctor.ts";
import { runHooksInstall, runHooksStatus } from "../../src/cli/commands/hooks.ts";
import { runList } from "../../src/cli/commands/list.ts";
import { runLogs } from "../../src/cli/commands/logs.ts";
import { runShare, traceIds } from "../../src/cli/commands/share.ts";
import { runShow } from "../../src/cli/commands/show.ts";
import { runStatus } from "../../src/cli/commands/status.ts";
import { runSync } from "../../src/cli/commands/sync.ts";
import { baseEnv, REAL_GIT } from "../helpers/sandbox.ts";
import { updateSyncState } from "../../src/sync/state.ts";
import { remoteKey } from "../../src/sync/remotes.ts";

let dir: string;
let home: string;
let repo: string;
const started = process.cwd();
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "git-traces-commands-")));
  home = join(dir, "home");
  repo = join(dir, "repo");
  mkdirSync(home);
  mkdirSync(repo);
  // "This program": a file that cannot run, so that doctor's check of the worker starts nothing.
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "git-traces"), "not a program\n");
  git(repo, "init", "-q", "-b", "main");
  // Should a command run git where the process is rather than in deps.cwd, let it be
  // nowhere near a real repository (this one's configuration included).
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(started);
  if (process.env.KEEP_TRASH) console.error(`KEEP_TRASH: kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  const r = Bun.spawnSync({ cmd: [REAL_GIT, ...args], cwd, env: baseEnv(home), stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

/** A Deps in `cwd`: the real git found on a PATH without the shim, this program a file that cannot run. */
function depsIn(
  cwd: string,
  opts: { env?: Record<string, string>; io?: Partial<Omit<IO, "out" | "err">> } = {},
): { deps: Deps; io: ReturnType<typeof bufferIO> } {
  const io = bufferIO(opts.io);
  const deps = makeDeps(io, { ...baseEnv(home), ...opts.env }, [], { cwd, execPath: join(dir, "bin", "git-traces") });
  return { deps, io };
}

/** What `fn` throws, or what its promise rejects with; undefined when it does neither. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function commitWithNote(note: string): string {
  git(repo, "commit", "-q", "--allow-empty", "-m", "one");
  git(repo, "notes", "--ref=traces", "add", "-m", note, "HEAD");
  return git(repo, "rev-parse", "HEAD");
}

test("status: the notes here, sharing, and each remote; in JSON the same", () => {
  const none = depsIn(repo);
  expect(runStatus(false, none.deps)).toBe(0);
  expect(none.io.stdout).toBe(
    "0 commits with traces here\nsharing trace content: off; 0 traces in refs/traces/content\n",
  );
  expect(none.io.stderr).toBe("No remotes: notes stay in this repository until you add one.\n");

  commitWithNote("traces:abc");
  git(repo, "remote", "add", "origin", join(dir, "nowhere.git"));
  const one = depsIn(repo);
  expect(runStatus(false, one.deps)).toBe(0);
  expect(one.io.stdout).toBe(
    [
      "1 commit with traces here",
      "sharing trace content: off; 0 traces in refs/traces/content",
      "origin: notes not fetched yet (the next push, fetch or git traces sync sets it up)",
      "  not pushed yet: 0 notes",
      "  held back: 1 note of commits it does not have",
      "  last push: never; last merge: never",
      "",
    ].join("\n"),
  );
  expect(one.io.stderr).toBe("");
  const json = depsIn(repo);
  runStatus(true, json.deps);
  expect(JSON.parse(json.io.stdout)).toEqual({
    notes: 1,
    sharing: { enabled: false, shared: 0 },
    remotes: [
      {
        remote: "origin",
        configured: false,
        unpushed: 0,
        held: 1,
        lastPush: null,
        lastMerge: null,
        refused: null,
        sharedUnpushed: 0,
      },
    ],
  });
});

test("status: sync times relative in text ('3 minutes ago'), as they are in JSON", () => {
  commitWithNote("traces:abc");
  git(repo, "remote", "add", "origin", join(dir, "nowhere.git"));
  const gitDir = join(repo, ".git");
  const now = new Date("2026-12-07T01:38:04.066Z");
  updateSyncState(gitDir, (s) => {
    s.remotes[remoteKey("origin", ["origin"])] = { lastPush: "2026-12-07T01:35:04.066Z" };
  });
  const text = depsIn(repo);
  text.deps.now = () => now;
  runStatus(false, text.deps);
  expect(text.io.stdout).toContain("  last push: 3 minutes ago; last merge: never\n");
  const json = depsIn(repo);
  json.deps.now = () => now;
  runStatus(true, json.deps);
  expect(JSON.parse(json.io.stdout).remotes[0].lastPush).toBe("2026-12-07T01:35:04.066Z");
});

test("status and logs outside a repository: the error that says what to do", async () => {
  for (const run of [(d: Deps) => runStatus(false, d), (d: Deps) => runLogs(undefined, false, d)]) {
    const { deps, io } = depsIn(home);
    const error = await thrown(() => run(deps));
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe("NOT_A_REPO");
    expect((error as CliError).message).toBe("not a git repository; run inside one or pass -C <dir>");
    expect(io.stdout + io.stderr).toBe("");
  }
});

test("logs: nothing gone wrong, then the logs by path, the last one whole, and JSON", () => {
  const empty = depsIn(repo);
  expect(runLogs(undefined, false, empty.deps)).toBe(0);
  expect(empty.io.stdout).toBe("");
  expect(empty.io.stderr).toBe("No logs: nothing has gone wrong here.\n");
  const lastEmpty = depsIn(repo);
  expect(runLogs("last", false, lastEmpty.deps)).toBe(0);
  expect(lastEmpty.io.stderr).toBe("No logs: nothing has gone wrong here.\n");

  const gitDir = join(repo, ".git");
  const first = writeLog(gitDir, "push", new Error("first failure"))!;
  Bun.sleepSync(5); // file names are times to the millisecond
  const second = writeLog(gitDir, "commit", new Error("second failure\u001b[2J"))!;
  const list = depsIn(repo);
  runLogs(undefined, false, list.deps);
  expect(list.io.stdout).toBe(`${first}\n${second}\n`);
  const last = depsIn(repo);
  runLogs("last", false, last.deps);
  expect(last.io.stdout).toStartWith("git-traces commit at ");
  expect(last.io.stdout).toContain("second failure^[[2J"); // a log's text is shown, never obeyed
  const json = depsIn(repo);
  runLogs("last", true, json.deps);
  expect(JSON.parse(json.io.stdout)).toEqual({ file: second, text: readFileSync(second, "utf8") });
});

test("doctor: the facts on stdout (data), the verdict and each problem's fix on stderr; JSON for scripts", () => {
  const { deps, io } = depsIn(home, { env: { GIT_TRACES_DISABLE: "1", GIT_TRACES_REAL_GIT: "git" } });
  expect(runDoctor({ json: false }, deps)).toBe(1);
  const lines = io.stdout.split("\n");
  expect(lines.pop()).toBe("");
  for (const l of lines) expect(l).toMatch(/^[A-Za-z_-]+=/);
  const facts = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  expect(facts).toMatchObject({
    binary: join(dir, "bin", "git-traces"),
    shim_on_path: "",
    shim_first_on_path: "no",
    GIT_TRACES_DISABLE: "1",
    GIT_TRACES_REAL_GIT: "git",
  });
  expect(facts.worker).toStartWith("broken: ");
  const report = depsIn(home, { env: { GIT_TRACES_DISABLE: "1", GIT_TRACES_REAL_GIT: "git" } });
  expect(runDoctor({ json: true }, report.deps)).toBe(1);
  const json = JSON.parse(report.io.stdout) as {
    facts: Record<string, string>;
    problems: { code: string; message: string; fix: string }[];
  };
  expect(json.facts).toEqual({ ...facts, worker: json.facts.worker! });
  expect(json.problems.map((p) => p.code)).toEqual([
    "WORKER_CANNOT_START",
    "REAL_GIT_OVERRIDE_INVALID",
    "SHIM_NOT_ON_PATH",
    "DISABLED",
  ]);
  expect(io.stderr).toBe(
    `4 problems found:\n${json.problems.map((p) => `  - ${p.message}\n    fix: ${p.fix}\n`).join("")}`,
  );
  expect(report.io.stderr).toBe("");
});

test("hooks status and install: an agent's file named, a missing agent refused, no agent found said so", async () => {
  const status = depsIn(repo);
  expect(await runHooksStatus({ agent: "claude-code", project: false, json: false }, status.deps)).toBe(0);
  expect(status.io.stdout).toBe(`Claude Code: not installed\n  file: ${home}/.claude/settings.json (does not exist)\n`);
  expect(status.io.stderr).toBe("");

  const unknown = depsIn(repo);
  expect(runHooksStatus({ agent: "vim", project: false, json: false }, unknown.deps)).rejects.toBeInstanceOf(
    UsageError,
  );

  const none = depsIn(repo);
  expect(await runHooksInstall({ project: false, json: false }, none.deps)).toBe(1);
  expect(none.io.stdout).toBe("");
  expect(none.io.stderr).toContain("no agent found on this machine; name one with --agent (");

  const one = depsIn(repo);
  expect(await runHooksInstall({ agent: "claude-code", project: false, json: true }, one.deps)).toBe(0);
  const [result] = JSON.parse(one.io.stdout) as { agent: string; changes: { file: string; changes: string[] }[] }[];
  expect(result!.agent).toBe("claude-code");
  expect(result!.changes[0]!.file).toBe(join(home, ".claude", "settings.json"));
  expect(result!.changes[0]!.changes).toContain("added a Stop hook");
  const after = depsIn(repo);
  await runHooksStatus({ agent: "claude-code", project: false, json: false }, after.deps);
  expect(after.io.stdout).toStartWith(`Claude Code: installed\n  file: ${home}/.claude/settings.json\n  events: `);
});

test("list: no sessions is nothing in a pipe, a sentence on a terminal, an empty list in JSON", async () => {
  const pipe = depsIn(repo);
  expect(await runList({ all: false, json: false }, pipe.deps)).toBe(0);
  expect(pipe.io.stdout + pipe.io.stderr).toBe("");
  const tty = depsIn(repo, { io: { stdoutIsTTY: true } });
  expect(await runList({ all: false, json: false }, tty.deps)).toBe(0);
  expect(tty.io.stdout).toBe("");
  expect(tty.io.stderr).toBe("No agent sessions found for this repository, on this machine or in its notes.\n");
  const all = depsIn(repo, { io: { stdoutIsTTY: true } });
  await runList({ all: true, json: false }, all.deps);
  expect(all.io.stderr).toBe("No agent sessions found on this machine.\n");
  const json = depsIn(repo);
  await runList({ all: false, json: true }, json.deps);
  expect(JSON.parse(json.io.stdout)).toEqual({
    repository: { key: repo, path: repo, remote: null, git: true },
    sessions: [],
  });
});

test("list: a trace only the notes name is listed with its commit", async () => {
  const oid = commitWithNote('traces:abc-123\ntraces-meta:abc-123 {"v":1,"agent":"codex","title":"Fix the parser"}');
  const json = depsIn(repo);
  await runList({ all: false, json: true }, json.deps);
  const { sessions } = JSON.parse(json.io.stdout) as { sessions: { id: string; commits: { oid: string }[] }[] };
  expect(sessions.map((s) => [s.id, s.commits.map((c) => c.oid)])).toEqual([["abc-123", [oid]]]);
});

test("show: a commit without traces, and a name that is nothing here", async () => {
  const unborn = depsIn(repo);
  let error = await thrown(() =>
    runShow({ target: "nope", format: "text", full: false, redacted: false }, unborn.deps),
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).message).toBe("no trace or commit named 'nope'; this repository has no commits yet");

  git(repo, "commit", "-q", "--allow-empty", "-m", "plain");
  const oid = git(repo, "rev-parse", "HEAD");
  const plain = depsIn(repo);
  expect(await runShow({ target: "HEAD", format: "text", full: false, redacted: false }, plain.deps)).toBe(0);
  expect(plain.io.stdout).toBe("");
  expect(plain.io.stderr).toBe(`Commit ${oid.slice(0, 7)} has no traces.\n`);

  const bad = depsIn(repo);
  error = await thrown(() => runShow({ target: "../etc", format: "text", full: false, redacted: false }, bad.deps));
  expect((error as CliError).code).toBe("UNKNOWN_TARGET");
  expect((error as CliError).message).toBe("no trace or commit named '../etc' (it is not a valid trace ID either)");
});

test("sync: no remote to sync with, and --remove-config with nothing to remove", () => {
  const none = depsIn(repo);
  expect(() => runSync({ removeConfig: false, json: false }, none.deps)).toThrow(
    new CliError("no remote to sync with; name one: git traces sync <remote>", "NO_REMOTE"),
  );
  const remove = depsIn(repo);
  expect(runSync({ removeConfig: true, json: false }, remove.deps)).toBe(0);
  expect(remove.io.stdout).toBe("");
  expect(remove.io.stderr).toBe(
    "No notes refspec to remove.\nNotes are no longer synced on their own here (traces.sync=false); `git config --unset traces.sync` turns it back on.\n",
  );
  expect(git(repo, "config", "traces.sync")).toBe("false");
});

test("share: IDs are checked before anything, and a trace with no session here is refused", async () => {
  expect(() => traceIds([], "share")).toThrow(UsageError);
  expect(() => traceIds(["../x"], "share")).toThrow("'../x' is not a trace ID");
  expect(traceIds(["a", "a", "b"], "share")).toEqual(["a", "b"]);
  const { deps, io } = depsIn(repo);
  const error = await thrown(() => runShare({ ids: ["abc-123"], json: false }, deps));
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).code).toBe("TRACE_NOT_FOUND");
  expect(io.stdout).toBe("");
  expect(git(repo, "for-each-ref", "refs/traces/")).toBe(""); // nothing stored
});
