// bun run scripts/bench-read.ts [--rounds N] [--max-wait SECONDS] [--keep]
//
// What the reading commands cost next to git's own. One repository of 2,000 commits, half
// of them with a note in refs/notes/traces (the first with line ranges for it), and a
// 3,000-line file changed by 500 of them.
// In one run, interleaved: `git traces blame` against `git blame --porcelain` on that file
// (target: at most 1.3x), `git traces log -n 1000` against `git log --notes=traces -n 1000`
// (target: at most F + 30 ms over git's own time), and an empty compiled Bun program (F).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  benchEnv,
  buildReferences,
  fmt,
  installShim,
  interleave,
  ratio,
  realGit,
  shimBinary,
  table,
  waitForCalm,
  type Variant,
} from "./lib/bench.ts";
import { BIG_LINES, COMMITS, buildReadRepo } from "./lib/read-history.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "31" },
    "max-wait": { type: "string", default: "180" },
    keep: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const REAL_GIT = realGit();
const root = new URL("..", import.meta.url).pathname;
const binary = await shimBinary(root);

const dir = mkdtempSync(join(tmpdir(), "git-traces-bench-read-"));
try {
  const home = join(dir, "home");
  const repo = join(dir, "repo");
  mkdirSync(home);
  mkdirSync(repo);
  const env = benchEnv(home);
  const git = buildReadRepo(REAL_GIT, repo, env);
  const bigCommits = git(["rev-list", "--count", "HEAD", "--", "big.txt"]).trim();
  const noted = git(["notes", "--ref=traces", "list"]).trim().split("\n").length;

  const { shim, path: shimPath } = installShim(root, binary, join(dir, "prefix"), env);
  const refs = await buildReferences(join(dir, "refs"), REAL_GIT);
  const shimEnv = { ...env, PATH: shimPath };
  console.log(
    `bench-read: ${COMMITS} commits (${noted} with notes), big.txt ${BIG_LINES} lines changed by ${bigCommits} commits; ${rounds} rounds, medians; git ${REAL_GIT}, bun ${Bun.version}`,
  );
  console.log(await waitForCalm(1.0, Number(values["max-wait"]) * 1000));

  // Sanity: the tool sees the traces it is timed on.
  const check = Bun.spawnSync({
    cmd: [shim, "traces", "blame", "--json", "big.txt"],
    argv0: "git",
    cwd: repo,
    env: shimEnv,
    stdout: "pipe",
    stderr: "pipe",
  });
  const traced = check.stdout
    .toString()
    .split("\n")
    .filter((l) => l.includes('"type":"line"') && l.includes('"agent"')).length;
  if (check.exitCode !== 0 || traced === 0)
    throw new Error(`git traces blame sees no traces: ${check.stderr.toString().slice(0, 300)}`);

  const variants: Variant[] = [
    { name: "empty", cmd: [refs.empty], cwd: repo, env },
    { name: "git blame", cmd: [REAL_GIT, "blame", "--porcelain", "big.txt"], argv0: "git", cwd: repo, env },
    { name: "traces blame", cmd: [shim, "traces", "blame", "big.txt"], argv0: "git", cwd: repo, env: shimEnv },
    { name: "git log", cmd: [REAL_GIT, "log", "--notes=traces", "-n", "1000"], argv0: "git", cwd: repo, env },
    { name: "traces log", cmd: [shim, "traces", "log", "-n", "1000"], argv0: "git", cwd: repo, env: shimEnv },
  ];
  const m = interleave(variants, rounds);
  const F = m.get("empty")!;
  const blameRatio = m.get("traces blame")! / m.get("git blame")!;
  const logBudget = m.get("git log")! + F + 30;
  const rows = [
    ["case", "git", "git traces", "ratio", "target", "verdict"],
    [
      "blame big.txt",
      fmt(m.get("git blame")!),
      fmt(m.get("traces blame")!),
      ratio(m.get("traces blame")!, m.get("git blame")!),
      "<= 1.30x",
      blameRatio <= 1.3 ? "ok" : "OVER",
    ],
    [
      "log -n 1000",
      fmt(m.get("git log")!),
      fmt(m.get("traces log")!),
      ratio(m.get("traces log")!, m.get("git log")!),
      `<= ${fmt(logBudget)} (git + F + 30)`,
      m.get("traces log")! <= logBudget ? "ok" : "OVER",
    ],
  ];
  console.log(table(rows));
  console.log(`F (an empty compiled Bun program): ${fmt(F)}; blame lines with a trace: ${traced} of ${BIG_LINES}`);
} finally {
  if (values.keep) console.log(`kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
