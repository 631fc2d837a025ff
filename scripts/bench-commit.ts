// bun run scripts/bench-commit.ts [--rounds N] [--claude 1000] [--codex 1000] [--gemini 1000] [--copilot 1000] [--opencode 1000] [--cursor 1000] [--share] [--upload '<command>']
//
// What the shim adds to `git commit`, in one run, interleaved: an empty compiled Bun
// program (F, the start-up every shim call pays), the real `git commit` and the shim's in
// a repository whose agent sessions the commit attaches, and the same in a repository with
// no agent sessions; the synthetic datastore (scripts/gen-datastore.ts) is present
// throughout. Targets (medians): at most F + 40 ms added with sessions to attach, at most
// F + 10 ms added without. (The traces.com CLI's git hooks add about 660 ms per commit.)
//
// The shim returns when git is done and records the traces in a background worker; the
// table also shows when the note was written (untimed for the commit, waited for before
// the next run), and the same commit with GIT_TRACES_SYNC=1 (all work before returning).
//
// --share sets `traces.share true` in the repositories the shim commits in: the worker then
// also snapshots every attached trace and stores its redacted content in refs/traces/content
// (docs/sharing.md), all after git has returned.
//
// --upload sets `traces.upload` in the shim's repositories (docs/upload.md): the uploads
// run after the note is written, and are waited for, untimed, before the next run.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generate } from "./gen-datastore.ts";
import {
  benchEnv,
  buildReferences,
  fmt,
  installShim,
  interleave,
  median,
  realGit,
  settleWorkers,
  shimBinary,
  table,
  type Variant,
} from "./lib/bench.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "25" },
    claude: { type: "string", default: "1000" },
    codex: { type: "string", default: "1000" },
    gemini: { type: "string", default: "1000" },
    copilot: { type: "string", default: "1000" },
    opencode: { type: "string", default: "1000" },
    cursor: { type: "string", default: "1000" },
    keep: { type: "boolean", default: false },
    share: { type: "boolean", default: false },
    upload: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const REAL_GIT = realGit();
const root = new URL("..", import.meta.url).pathname;
const binary = await shimBinary(root);

const dir = mkdtempSync(join(tmpdir(), "git-traces-bench-commit-"));
try {
  const home = join(dir, "home");
  mkdirSync(home, { recursive: true });
  const now = Date.now();
  const env = benchEnv(home);
  const sh = (script: string, cwd: string, extra: Record<string, string> = {}) => {
    const p = Bun.spawnSync({ cmd: ["sh", "-c", script], cwd, env: { ...env, ...extra }, stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`${script}: ${p.stderr}`);
  };
  // Four identical repositories: with sessions (real git / shim), without (real git / shim).
  const repos = { withReal: "", withShim: "", noneReal: "", noneShim: "" };
  const baseDate = new Date(now - 2 * 24 * 3600 * 1000).toISOString();
  for (const name of Object.keys(repos) as (keyof typeof repos)[]) {
    const repo = join(home, "work", name);
    mkdirSync(join(repo, "src"), { recursive: true });
    mkdirSync(join(repo, "tests"), { recursive: true });
    for (let i = 0; i < 400; i++) writeFileSync(join(repo, "src", `module${i}.py`), `# module ${i}\n`.repeat(30));
    writeFileSync(join(repo, "src", "auth.py"), "# auth v0\n");
    sh("git init -q && git add -A && git commit -q -m base && git tag base", repo, {
      GIT_AUTHOR_DATE: baseDate,
      GIT_COMMITTER_DATE: baseDate,
    });
    // What the agents changed (for the "none" repos: a human's change of the same size).
    writeFileSync(join(repo, "src", "auth.py"), "# auth v2\nclass RateLimiter: ...\n");
    writeFileSync(join(repo, "tests", "test_auth.py"), "def test_login(): ...\n");
    sh("git add -A", repo);
    if (values.share) sh("git config traces.share true", repo);
    repos[name] = repo;
  }
  console.error("generating the datastore...");
  const gen = generate({
    home,
    repo: repos.withShim,
    claude: Number(values.claude),
    codex: Number(values.codex),
    gemini: Number(values.gemini),
    copilot: Number(values.copilot),
    opencode: Number(values.opencode),
    cursor: Number(values.cursor),
    inRepo: 2,
    days: 60,
    seed: 1,
    now: new Date(now),
  });
  const refs = await buildReferences(join(dir, "refs"), REAL_GIT);
  const { shim, path: shimPath } = installShim(root, binary, join(dir, "prefix"), env);
  if (values.upload)
    for (const repo of [repos.withShim, repos.noneShim])
      sh(`git config traces.upload '${values.upload.replaceAll("'", "'\\''")}'`, repo);

  const background = new Map<string, number[]>();
  const commit = (name: string, repo: string, git: string, extra: Record<string, string> = {}): Variant => ({
    name,
    cmd: [git, "commit", "-q", "-m", "bench"],
    argv0: "git",
    cwd: repo,
    env: { ...env, PATH: git === shim ? shimPath : env.PATH, ...extra },
    // Untimed: undo the last round's commit, keep the change staged.
    before: () => {
      Bun.spawnSync({ cmd: [REAL_GIT, "reset", "-q", "--soft", "base"], cwd: repo, env });
    },
    after: (ended) => {
      // How long after git returned the commit's background worker was done.
      settleWorkers(home);
      const ms = performance.now() - ended;
      background.set(name, [...(background.get(name) ?? []), ms]);
      // Uploads run without holding anyone up: wait for them here, untimed.
      while (existsSync(join(repo, ".git", "traces", "uploads.running"))) {
        Bun.sleepSync(2);
        settleWorkers(home);
      }
    },
  });
  const variants: Variant[] = [
    { name: "F", cmd: [refs.empty], env },
    commit("real git, sessions", repos.withReal, REAL_GIT),
    commit("shim, sessions", repos.withShim, shim),
    commit("shim sync, sessions", repos.withShim, shim, { GIT_TRACES_SYNC: "1" }),
    commit("real git, no sessions", repos.noneReal, REAL_GIT),
    commit("shim, no sessions", repos.noneShim, shim),
    commit("shim sync, no sessions", repos.noneShim, shim, { GIT_TRACES_SYNC: "1" }),
  ];
  console.error(`bench-commit: ${gen.files} sessions (${(gen.bytes / 1e6).toFixed(0)} MB), ${rounds} rounds...`);
  const m = interleave(variants, rounds);
  const notes = Bun.spawnSync({
    cmd: [REAL_GIT, "notes", "--ref=traces", "show", "HEAD"],
    cwd: repos.withShim,
    env,
    stdout: "pipe",
  }).stdout.toString();
  const attached = notes.split("\n").filter((l) => l.startsWith("traces:")).length;
  const F = m.get("F")!;
  const withAdded = m.get("shim, sessions")! - m.get("real git, sessions")!;
  const noneAdded = m.get("shim, no sessions")! - m.get("real git, no sessions")!;
  console.log(
    `bench-commit: ${gen.files} sessions on disk (${(gen.bytes / 1e6).toFixed(0)} MB), ${rounds} rounds, medians; bun ${Bun.version}${values.share ? "; traces.share true" : ""}`,
  );
  const after = (name: string) => fmt(median(background.get(name) ?? [0]));
  console.log(
    table([
      ["case", "real git", "shim", "added", "F", "budget", "result", "note written after", "shim, sync mode"],
      [
        "agent sessions to attach",
        fmt(m.get("real git, sessions")!),
        fmt(m.get("shim, sessions")!),
        fmt(withAdded),
        fmt(F),
        `F + 40 = ${fmt(F + 40)}`,
        withAdded <= F + 40 ? "ok" : "MISSED",
        `+${after("shim, sessions")}`,
        fmt(m.get("shim sync, sessions")!),
      ],
      [
        "no agent sessions",
        fmt(m.get("real git, no sessions")!),
        fmt(m.get("shim, no sessions")!),
        fmt(noneAdded),
        fmt(F),
        `F + 10 = ${fmt(F + 10)}`,
        noneAdded <= F + 10 ? "ok" : "MISSED",
        `+${after("shim, no sessions")}`,
        fmt(m.get("shim sync, no sessions")!),
      ],
    ]),
  );
  // Two sessions in the repository for each agent that has sessions at all.
  const expected =
    2 *
    [values.claude, values.codex, values.gemini, values.copilot, values.opencode, values.cursor].filter(
      (n) => Number(n) > 0,
    ).length;
  console.log(`traces attached to the last commit with sessions: ${attached} (expected ${expected}: 2 per agent)`);
  let sharedOk = true;
  if (values.share) {
    const tree = Bun.spawnSync({
      cmd: [REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"],
      cwd: repos.withShim,
      env,
      stdout: "pipe",
    }).stdout.toString();
    const shared = tree.split("\n").filter((l) => l.endsWith(".json")).length;
    const snapshots = (() => {
      try {
        return readdirSync(join(home, ".local", "share", "git-traces", "snapshots")).filter((f) => f.endsWith(".json"))
          .length;
      } catch {
        return 0;
      }
    })();
    console.log(
      `traces shared in refs/traces/content: ${shared}, snapshots kept: ${snapshots} (expected ${attached} each: every attached trace)`,
    );
    sharedOk = attached > 0 && shared === attached && snapshots === attached;
  }
  let uploadsOk = true;
  if (values.upload) {
    const queue = join(repos.withShim, ".git", "traces", "uploads.json");
    const waiting = existsSync(queue)
      ? (JSON.parse(readFileSync(queue, "utf8")) as { jobs: unknown[] }).jobs.length
      : 0;
    console.log(`traces.upload: ${values.upload}; uploads left waiting (failed): ${waiting}`);
    uploadsOk = waiting === 0;
  }
  process.exitCode =
    withAdded <= F + 40 && noneAdded <= F + 10 && attached === expected && sharedOk && uploadsOk ? 0 : 1;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
