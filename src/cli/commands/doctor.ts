// `git traces doctor`: facts a user can paste into a bug report (key=value), then each
// problem found with the command that fixes it.

import { foreground } from "../../jobs/mode.ts";
import { JOB_ENV } from "../../base/env.ts";
import { gitsOnPath, recordedGitPath, REAL_GIT_ENV, overrideProblem } from "../../git/locate.ts";
import { gitVersion } from "../../git/runner.ts";
import { colorArgs, defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { messages } from "../messages.ts";
import { VERSION } from "../../base/version.ts";
import { nodeFs } from "../../base/lazy-fs.ts";

// The hash of the lists the front door is generated from, put in by scripts/build.ts
// (--define); absent when the sources run uncompiled.
declare const GIT_TRACES_FRONT_DOOR_LISTS: string | undefined;
const SHIM_LISTS = typeof GIT_TRACES_FRONT_DOOR_LISTS === "string" ? GIT_TRACES_FRONT_DOOR_LISTS : "";

export interface FrontDoor {
  /** c or sh: a front door; none: the Bun binary itself is git; absent: no git there. */
  form: "c" | "sh" | "none" | "absent" | "unknown";
  /** The hash of the lists it was generated from (empty when none or unknown). */
  lists: string;
}

/** Which `git` the installer put beside this binary, asked the way the tests ask it. */
export function frontDoorOf(binDir: string, env: Record<string, string | undefined>): FrontDoor {
  const fs = nodeFs();
  const path = `${binDir}/git`;
  try {
    if (fs.lstatSync(path).isSymbolicLink() && fs.readlinkSync(path) === "git-traces")
      return { form: "none", lists: "" };
  } catch {
    return { form: "absent", lists: "" };
  }
  try {
    const r = Bun.spawnSync({
      cmd: [path, "traces"],
      env: { ...env, GIT_TRACES_FRONT_DOOR_EXPLAIN: "1" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "ignore",
      timeout: 10_000,
    });
    const m = /front-door=(c|sh) lists=([0-9a-f]+)/.exec(r.stdout.toString());
    if (m) return { form: m[1] as "c" | "sh", lists: m[2]! };
  } catch {
    // reported as unknown
  }
  return { form: "unknown", lists: "" };
}

/**
 * Whether the C front door does a plain `git fetch` in this repository itself, without Bun
 * (the light fetch, docs/architecture.md): "light", else its reason. The terminal rule is
 * left out (trace_work shows it).
 */
export function lightFetchHere(binDir: string, env: Record<string, string | undefined>): string {
  try {
    const r = Bun.spawnSync({
      cmd: [`${binDir}/git`, "fetch"],
      env: { ...env, GIT_TRACES_FRONT_DOOR_EXPLAIN: "1", GIT_TRACES_SYNC: "0" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "ignore",
      timeout: 10_000,
    });
    return /fetch=([a-z-]+)/.exec(r.stdout.toString())?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

export interface Problem {
  code: string;
  message: string;
  fix: string;
}

export interface DoctorReport {
  facts: Record<string, string>;
  problems: Problem[];
}

export interface DoctorOptions {
  json: boolean;
}

function readRecorded(execPath: string): { path: string; target: string | null; exists: boolean } {
  const fs = nodeFs();
  const path = recordedGitPath(execPath);
  let target: string | null = null;
  try {
    target = fs.readlinkSync(path);
  } catch {
    target = null;
  }
  return { path, target, exists: target !== null && fs.existsSync(path) };
}

/**
 * Whether a background worker starts in this layout: this binary, run as the shim runs its
 * workers (its own path, the job variable set), must be the CLI and refuse the empty job.
 * null when it does; else what went wrong.
 */
export function workerStarts(execPath: string, env: Record<string, string | undefined>): string | null {
  try {
    const r = Bun.spawnSync({
      cmd: [execPath, "after-commit"],
      env: { ...env, [JOB_ENV]: "{}" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: 10_000,
    });
    const err = r.stderr.toString();
    if (r.exitCode === 1 && err.includes(`no valid job in ${JOB_ENV}`)) return null;
    return `exit ${r.exitCode ?? r.signalCode}: ${err.trim().split("\n")[0] ?? ""}`;
  } catch (e) {
    return (e as Error).message;
  }
}

export function diagnose(deps: Deps): DoctorReport {
  const { env, execPath } = deps;
  const problems: Problem[] = [];
  const binDir = execPath.slice(0, execPath.lastIndexOf("/"));
  const onPath = gitsOnPath(env.PATH, execPath);
  const firstGit = onPath[0];
  const shimOnPath = onPath.find((g) => g.isShim);
  const recorded = readRecorded(execPath);
  const real = deps.realGit();
  const version = real ? gitVersion(real.path) : null;

  const facts: Record<string, string> = {
    "git-traces": VERSION,
    bun: Bun.version,
    platform: `${process.platform}-${process.arch}`,
    binary: execPath,
    invoked_as: process.argv0,
    real_git: real?.path ?? "",
    real_git_source: real?.source ?? "",
    real_git_version: version ?? "",
    recorded_git: recorded.target === null ? "" : `${recorded.path} -> ${recorded.target}`,
    path_first_git: firstGit?.path ?? "",
    shim_on_path: shimOnPath?.path ?? "",
    shim_first_on_path: firstGit?.isShim ? "yes" : "no",
    [REAL_GIT_ENV]: env[REAL_GIT_ENV] ?? "",
    GIT_TRACES_DISABLE: env.GIT_TRACES_DISABLE ?? "",
    GIT_TRACES_SYNC: env.GIT_TRACES_SYNC ?? "",
    trace_work: foreground(env) ? "foreground (no terminal, or CI)" : "background",
  };
  const door = frontDoorOf(binDir, env);
  const agrees = door.lists !== "" && door.lists === SHIM_LISTS;
  const verdict = agrees ? "agrees with the shim" : `lists ${door.lists}, the shim's ${SHIM_LISTS || "unknown"}`;
  facts.front_door =
    door.form === "none"
      ? "none (the Bun binary is git)"
      : door.form === "c" || door.form === "sh"
        ? `${door.form} (${verdict})`
        : door.form;
  if (door.form === "c") {
    const light = lightFetchHere(binDir, env);
    facts.light_fetch = light === "light" ? "yes (git fetch here starts no Bun)" : `no here: ${light}`;
  } else facts.light_fetch = "no (needs the C front door)";
  if ((door.form === "c" || door.form === "sh") && SHIM_LISTS && !agrees) {
    problems.push({
      code: "FRONT_DOOR_STALE",
      message: `the ${door.form} front door ${binDir}/git was built from other command lists than this shim`,
      fix: "run scripts/install.sh again: it rebuilds the front door with the binary",
    });
  }
  const worker = workerStarts(execPath, env);
  facts.worker = worker === null ? "ok" : `broken: ${worker}`;
  if (worker !== null) {
    problems.push({
      code: "WORKER_CANNOT_START",
      message:
        `a background worker cannot start from ${execPath} (${worker}): ` +
        "notes of commits made at a terminal would be lost",
      fix: "reinstall with scripts/install.sh; meanwhile GIT_TRACES_SYNC=1 does the work in the foreground",
    });
  }

  const override = env[REAL_GIT_ENV];
  const overrideIssue = override ? overrideProblem(override, execPath) : null;
  if (override && overrideIssue) {
    problems.push({
      code: "REAL_GIT_OVERRIDE_INVALID",
      message: `${REAL_GIT_ENV}=${override} ${overrideIssue}`,
      fix: `set ${REAL_GIT_ENV} to the absolute path of the real git, or unset it`,
    });
  } else if (!real) {
    problems.push({
      code: "REAL_GIT_NOT_FOUND",
      message: "the real git was not found (no git on PATH besides the shim, and none recorded)",
      fix: `install git, then run scripts/install.sh again (or set ${REAL_GIT_ENV}=/path/to/git)`,
    });
  } else if (version === null) {
    problems.push({
      code: "REAL_GIT_BROKEN",
      message: `the real git at ${real.path} does not run (\`git --version\` failed)`,
      fix: `reinstall git, or point ${REAL_GIT_ENV} at a working git`,
    });
  }
  if (recorded.target !== null && !recorded.exists) {
    problems.push({
      code: "RECORDED_GIT_MISSING",
      message: `the recorded real git ${recorded.target} no longer exists`,
      fix: "run scripts/install.sh again to record the git you use now",
    });
  }
  if (!shimOnPath) {
    problems.push({
      code: "SHIM_NOT_ON_PATH",
      message: `no \`git\` on PATH is git-traces (looked for ${binDir}/git)`,
      fix: `install with scripts/install.sh, then open a new shell (or run: export PATH="${binDir}:$PATH")`,
    });
  } else if (!firstGit?.isShim) {
    const shimDir = shimOnPath.path.slice(0, shimOnPath.path.lastIndexOf("/"));
    problems.push({
      code: "SHIM_NOT_FIRST_ON_PATH",
      message: `${firstGit?.path} comes before the shim (${shimOnPath.path}) on PATH, so git commands skip git-traces`,
      fix: `put ${shimDir} first on PATH: open a new shell, or run: export PATH="${shimDir}:$PATH"`,
    });
  }
  const disable = env.GIT_TRACES_DISABLE;
  if (disable && disable !== "0" && disable.toLowerCase() !== "false") {
    problems.push({
      code: "DISABLED",
      message: "GIT_TRACES_DISABLE is set: the shim passes every command straight to git",
      fix: "unset GIT_TRACES_DISABLE to turn trace linking back on",
    });
  }
  return { facts, problems };
}

export function runDoctor(opts: DoctorOptions, deps: Deps): number {
  const report = diagnose(deps);
  const { io } = deps;
  if (opts.json) {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return report.problems.length ? 1 : 0;
  }
  // The facts are data (stdout); the verdict is a message (stderr).
  for (const [k, v] of Object.entries(report.facts)) io.out(`${k}=${v}\n`);
  const say = messages(io);
  if (!report.problems.length) {
    say.success("No problems found.");
    return 0;
  }
  say.fail(`${report.problems.length} problem${report.problems.length > 1 ? "s" : ""} found:`);
  for (const p of report.problems) say.log(`  - ${p.message}\n    fix: ${p.fix}`);
  return 1;
}

export default defineTracesCommand({
  meta: {
    name: "doctor",
    description: "Check the installation: shim, real git, PATH order",
  },
  args: { ...jsonArgs, ...colorArgs },
  examples: ["git traces doctor", "git traces doctor --json"],
  run: (ctx) => runDoctor({ json: Boolean(ctx.args.json) }, depsOf(ctx)),
});
