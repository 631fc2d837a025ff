// Files that are not transcripts where transcripts are looked for: a FIFO (opening or
// reading it blocks until a writer comes), /dev/zero (a read never ends; named through a
// symlink, and by its own path), and a 3 GB sparse file (costs no disk; read whole, it
// cost seconds and gigabytes). Each sits in an agent's datastore under a transcript's name,
// and hook records name them (.git/traces/active.json, written by `git traces hook`). Every
// git command that looks for sessions must finish in its usual time, in bounded memory,
// with the real session still attached. A hang fails the test at the spawn's timeout, and
// background workers left hanging are killed by their PIDs (<data home>/pending/<pid>).

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  claudeFolder,
  claudeTranscript,
  codexTranscript,
  copilotEvents,
  cursorFolder,
  cursorTranscript,
  geminiTranscript,
  SESSIONS,
} from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, settle, sh, type Sandbox } from "../helpers/sandbox.ts";
import { AFTER, at, makeShop, type Shop } from "../helpers/shop.ts";

/** A commit, merge or cherry-pick here takes well under a second; a hang is stopped at HANG_MS. */
const BOUND_MS = 8_000;
const HANG_MS = 25_000;
/**
 * Peak memory of a process that read the sessions itself (GIT_TRACES_SYNC=1, merge,
 * cherry-pick), above what a child of this test process reports anyway: Bun spawns with
 * vfork, so a child's maxRSS starts at this process's own peak (measured with /bin/true).
 */
const MAX_RSS = 400 * 1024 * 1024;
const SPARSE_BYTES = 3 * 1024 ** 3;

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("unsafe-files");
});
afterEach(() => {
  // Workers a hang left behind (only before the fix): ours, by the PIDs they wrote.
  const pending = join(box.home, ".local", "share", "git-traces", "pending");
  let pids: string[] = [];
  try {
    pids = readdirSync(pending);
  } catch {
    // none
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone
    }
  }
  box?.cleanup();
});

type Hazard = "fifo" | "zero-link" | "sparse";
const HAZARDS: readonly Hazard[] = ["fifo", "zero-link", "sparse"];

/** Session IDs for the hazards, valid for every agent (OpenCode's start with ses_). */
const IDS: Record<Hazard | "dev-zero", string> = {
  fifo: "f1f0f1f0-0000-4000-8000-000000000001",
  "zero-link": "2e202e20-0000-4000-8000-000000000002",
  sparse: "5a5a5a5a-0000-4000-8000-000000000003",
  "dev-zero": "d0d0d0d0-0000-4000-8000-000000000004",
};
const opencodeId = (id: string) => `ses_${id.replaceAll("-", "").slice(0, 26)}`;

function makeHazard(kind: Hazard, path: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  if (kind === "fifo") sh(`mkfifo '${path}'`);
  else if (kind === "zero-link") symlinkSync("/dev/zero", path);
  else {
    writeFileSync(path, "");
    truncateSync(path, SPARSE_BYTES); // a hole: no disk used
  }
}

interface AgentCase {
  agent: string;
  fixtures: string;
  id: string;
  /** Where a session with this ID keeps its transcript in the datastore. */
  transcriptFor(shop: Shop, id: string): string;
  /** The session's ID as the agent writes it. */
  idFor(id: string): string;
  /** The hook event and payload that report a session with this transcript. */
  payload(shop: Shop, id: string, transcript: string | null): [event: string, payload: Record<string, unknown>];
  /** The real session's own transcript. */
  real(shop: Shop): string | null;
}

const common =
  (event: string) =>
  (shop: Shop, id: string, transcript: string | null): [string, Record<string, unknown>] => [
    event,
    { session_id: id, cwd: shop.repo, hook_event_name: event, transcript_path: transcript },
  ];

const CASES: AgentCase[] = [
  {
    agent: "claude-code",
    fixtures: "claude-code",
    id: SESSIONS.claude,
    transcriptFor: (shop, id) => join(box.home, ".claude", "projects", claudeFolder(shop.repo), `${id}.jsonl`),
    idFor: (id) => id,
    payload: common("Stop"),
    real: (shop) => claudeTranscript(box.home, shop.repo),
  },
  {
    agent: "codex",
    fixtures: "codex",
    id: SESSIONS.codex,
    transcriptFor: (_shop, id) =>
      join(box.home, ".codex", "sessions", "2026", "11", "20", `rollout-2026-11-20T10-00-00-${id}.jsonl`),
    idFor: (id) => id,
    payload: common("Stop"),
    real: () => codexTranscript(box.home),
  },
  {
    agent: "gemini-cli",
    fixtures: "gemini-cli",
    id: SESSIONS.gemini,
    transcriptFor: (_shop, id) =>
      join(box.home, ".gemini", "tmp", "shop", "chats", `session-2026-11-20T10-00-${id.slice(0, 8)}.jsonl`),
    idFor: (id) => id,
    payload: common("AfterTool"),
    real: () => geminiTranscript(box.home),
  },
  {
    agent: "copilot-cli",
    fixtures: "copilot-cli",
    id: SESSIONS.copilot,
    transcriptFor: (_shop, id) => copilotEvents(box.home, id),
    idFor: (id) => id,
    payload: (shop, id, transcript) => [
      "agentStop",
      {
        sessionId: id,
        timestamp: 1795168800820,
        cwd: shop.repo,
        ...(transcript ? { transcriptPath: transcript } : {}),
        stopReason: "end_turn",
      },
    ],
    real: () => copilotEvents(box.home),
  },
  {
    agent: "cursor",
    fixtures: "cursor",
    id: SESSIONS.cursor,
    transcriptFor: (shop, id) =>
      join(box.home, ".cursor", "projects", cursorFolder(shop.repo), "agent-transcripts", `${id}.jsonl`),
    idFor: (id) => id,
    payload: (shop, id, transcript) => [
      "stop",
      {
        conversation_id: id,
        generation_id: "125cc098-573c-460c-9d75-cfba653a4d2d",
        model: "claude-4.5-sonnet",
        hook_event_name: "stop",
        cursor_version: "2.3.14",
        workspace_roots: [shop.repo],
        transcript_path: transcript,
        status: "completed",
      },
    ],
    real: (shop) => cursorTranscript(box.home, shop.repo),
  },
  {
    agent: "opencode",
    fixtures: "opencode",
    id: SESSIONS.opencode,
    // The older JSON tree: one file per session, named by its ID.
    transcriptFor: (_shop, id) =>
      join(
        box.home,
        ".local",
        "share",
        "opencode",
        "storage",
        "session",
        "5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918",
        `${id}.json`,
      ),
    idFor: opencodeId,
    payload: (shop, id, transcript) => [
      "session.idle",
      {
        session_id: id,
        cwd: shop.repo,
        hook_event_name: "session.idle",
        source_agent: "opencode",
        ...(transcript ? { transcript_path: transcript } : {}),
      },
    ],
    real: () => null, // in opencode.db: found by ID
  },
];

interface Timed {
  exitCode: number | null;
  err: string;
  ms: number;
  maxRSS: number;
  /** maxRSS of a child that does nothing: where any child's starts. */
  floorRSS: number;
}

/** Runs the shim as git, timed, stopped at HANG_MS. */
function git(shop: Shop, args: string[], env: Record<string, string> = {}): Timed {
  const started = performance.now();
  const p = Bun.spawnSync({
    cmd: [join(box.bin, "git"), ...args],
    cwd: shop.repo,
    env: { ...at(box.env, AFTER), ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: HANG_MS,
  });
  const ms = performance.now() - started;
  const floor = Bun.spawnSync({ cmd: ["/bin/true"] }).resourceUsage?.maxRSS ?? 0;
  return { exitCode: p.exitCode, err: p.stderr.toString(), ms, maxRSS: p.resourceUsage?.maxRSS ?? 0, floorRSS: floor };
}

function expectQuick(r: Timed, what: string, checkMemory: boolean): void {
  expect({ what, exitCode: r.exitCode, err: r.err }).toEqual({ what, exitCode: 0, err: "" });
  expect(r.ms).toBeLessThan(BOUND_MS);
  if (checkMemory) expect(r.maxRSS).toBeLessThan(r.floorRSS + MAX_RSS);
}

/** Waits for the commit's background worker; a worker that hangs fails here. */
function settled(): void {
  settle(box.home, BOUND_MS);
}

function hook(shop: Shop, c: AgentCase, id: string, transcript: string | null): void {
  const [event, payload] = c.payload(shop, id, transcript);
  const r = run([join(box.bin, "git-traces"), "hook", c.agent, event], {
    cwd: shop.repo,
    env: box.env,
    input: JSON.stringify(payload),
    timeout: HANG_MS,
  });
  expect(r.exitCode).toBe(0);
}

/** A branch `side` with a commit to merge, and `pick` with one to cherry-pick. */
function branches(shop: Shop): string {
  const realGit = (script: string) => sh(script, { cwd: shop.repo, env: at(box.realEnv, AFTER) });
  realGit("git branch side && git branch pick");
  realGit("git checkout -q side && echo side > SIDE && git add SIDE && git commit -q -m side && git checkout -q -");
  realGit("git checkout -q pick && echo pick > PICK && git add PICK && git commit -q -m pick && git checkout -q -");
  return realGit("git rev-parse pick").trim();
}

describe.each(CASES)("$agent", (c) => {
  test("in the datastore: commits take their usual time and memory; the real session still lands", () => {
    const shop = makeShop(box, [c.fixtures]);
    for (const kind of HAZARDS) makeHazard(kind, c.transcriptFor(shop, c.idFor(IDS[kind])));
    shop.git(["add", "-A"]);
    const sync = git(shop, ["commit", "-q", "-m", "Add login"], { GIT_TRACES_SYNC: "1" });
    expectQuick(sync, "GIT_TRACES_SYNC=1 git commit", true);
    expect(shop.traces()).toEqual([c.id]);
    writeFileSync(join(shop.repo, "src", "auth.py"), "changed again by the session's owner\n");
    const background = git(shop, ["commit", "-q", "-am", "Tweak"], at({}, "2026-11-20T10:09:00Z"));
    expectQuick(background, "git commit", false);
    settled();
  });

  test("named by hook records: commit (both modes), merge and cherry-pick take their usual time and memory", () => {
    const shop = makeShop(box, [c.fixtures]);
    const pick = branches(shop);
    for (const kind of HAZARDS) {
      const id = c.idFor(IDS[kind]);
      const path = c.transcriptFor(shop, id);
      makeHazard(kind, path);
      hook(shop, c, id, path);
    }
    hook(shop, c, c.idFor(IDS["dev-zero"]), "/dev/zero");
    hook(shop, c, c.id, c.real(shop));
    const active = run(["/bin/cat", join(shop.repo, ".git", "traces", "active.json")]).out;
    expect(active).toContain(c.idFor(IDS.fifo));

    shop.git(["add", "-A"]);
    const background = git(shop, ["commit", "-q", "-m", "Add login"]);
    expectQuick(background, "git commit", false);
    settled();
    expect(shop.traces()).toEqual([c.id]);

    writeFileSync(join(shop.repo, "CHANGELOG"), "more\n");
    run(["/usr/bin/git", "add", "CHANGELOG"], { cwd: shop.repo, env: box.realEnv });
    expectQuick(
      git(shop, ["commit", "-q", "-m", "Changelog"], { GIT_TRACES_SYNC: "1" }),
      "GIT_TRACES_SYNC=1 git commit",
      true,
    );
    expectQuick(git(shop, ["merge", "-q", "--no-ff", "-m", "Merge side", "side"]), "git merge", true);
    expectQuick(git(shop, ["cherry-pick", pick]), "git cherry-pick", true);
    // Nothing left running that the next command would wait for.
    const status = git(shop, ["traces", "list"]);
    expect(status.exitCode).toBe(0);
    expect(status.ms).toBeLessThan(BOUND_MS);
  });
});

test.each(HAZARDS)("opencode.db that is %s is not opened; the JSON tree's session still lands", (kind) => {
  const shop = makeShop(box, ["opencode"], { opencode: "json" });
  const db = join(box.home, ".local", "share", "opencode", "opencode.db");
  makeHazard(kind, db);
  shop.git(["add", "-A"]);
  expectQuick(
    git(shop, ["commit", "-q", "-m", "Add login"], { GIT_TRACES_SYNC: "1" }),
    `GIT_TRACES_SYNC=1 git commit, opencode.db ${kind}`,
    true,
  );
  expect(shop.traces()).toEqual([SESSIONS.opencode]);
});
