// The front door (scripts/lib/front-door.ts) against the Bun shim's own parser: both forms
// must send the same command lines to the shim that shim/main.ts would handle itself, and
// everything else straight to the real git with its argv, status and bytes untouched.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { frontDoorC, frontDoorSh } from "../../scripts/lib/front-door.ts";
import { GIT_COMMANDS } from "../../src/git/commands.ts";
import { parseCommandLine } from "../../src/git/globals.ts";
import { INTERCEPTED, READS_NOTES } from "../../src/interceptors/names.ts";
import { BINARY, makeSandbox, REAL_GIT, ROOT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

type Env = Record<string, string | undefined>;

/** What shim/main.ts does with a command line: run the real git at once, or do more. */
function shimDecision(args: readonly string[], env: Env, pending: boolean): "git" | "shim" {
  // The shim's own settings the front door leaves to it.
  if (env.GIT_TRACES_JOB !== undefined || env.GIT_TRACES_TRACE !== undefined || env.GIT_TRACES_REAL_GIT) return "shim";
  const d = env.GIT_TRACES_DISABLE;
  const disabled = d !== undefined && d !== "" && d !== "0" && d.toLowerCase() !== "false";
  if (disabled || env.GIT_TRACES_NESTED || env.COMP_LINE !== undefined) return "git";
  const line = parseCommandLine(args);
  if (line.kind !== "command") return "git";
  const { command } = line;
  if (command === "traces" || INTERCEPTED.has(command) || !GIT_COMMANDS.has(command)) return "shim";
  return READS_NOTES.has(command) && pending ? "shim" : "git";
}

/** A deterministic stream of numbers (mulberry32), so a failure names a line that comes back. */
function rng(seed: number) {
  let a = seed;
  return (n: number) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}

const GLOBALS: string[][] = [
  ["-C", "."],
  ["-C", "commit"],
  ["-C."],
  ["-c", "k=v"],
  ["-c", "commit"],
  ["-c", "push"],
  ["-c", "alias.co=commit"],
  ["-ck=v"],
  ["--git-dir", ".git"],
  ["--git-dir=.git"],
  ["--git-dir="],
  ["--git-dir", "commit"],
  ["--work-tree", "."],
  ["--work-tree=."],
  ["--namespace", "ns"],
  ["--namespace=commit"],
  ["--super-prefix", "sub/"],
  ["--super-prefix=sub/"],
  ["--config-env", "k=ENVVAR"],
  ["--config-env=k=ENVVAR"],
  ["--attr-source", "HEAD"],
  ["--attr-source=HEAD"],
  ["--shallow-file", "f"],
  ["--exec-path=/usr/lib/git-core"],
  ["--exec-path="],
  ["--exec-path"],
  ["-p"],
  ["-P"],
  ["--paginate"],
  ["--no-pager"],
  ["--no-replace-objects"],
  ["--bare"],
  ["--literal-pathspecs"],
  ["--glob-pathspecs"],
  ["--noglob-pathspecs"],
  ["--icase-pathspecs"],
  ["--no-optional-locks"],
  ["--no-lazy-fetch"],
  ["--no-advice"],
  ["--version"],
  ["--help"],
  ["-h"],
  ["--html-path"],
  ["--list-cmds=main"],
  ["--"],
  ["-"],
  ["--git-dir "],
  [" -C", "."],
  ["--GIT-DIR=.git"],
  ["--bare=1"],
];
const COMMANDS = [
  ...INTERCEPTED,
  "traces",
  ...READS_NOTES,
  "status",
  "rev-parse",
  "diff",
  "add",
  "config",
  "help",
  "version",
  "init",
  "branch",
  "stash",
  "co",
  "st",
  "frobnicate",
  "lfs",
  "credential-store",
  "",
  " status",
  "status ",
  "Commit",
  "COMMIT",
  "commit=",
  "commit\t",
  "git",
  "git-commit",
  "--",
];
const ARGS = ["--amend", "-m", "commit", "--", "-C", ".", "HEAD", "push", "--notes=traces", "a b"];

function generateLines(count: number): string[][] {
  const r = rng(19);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r(xs.length))]!;
  const lines = new Map<string, string[]>();
  // Every command alone and after each global option: the plain cases all covered.
  for (const c of COMMANDS) lines.set(JSON.stringify([c]), [c]);
  for (const g of GLOBALS) lines.set(JSON.stringify(g), g);
  for (const g of GLOBALS) lines.set(JSON.stringify([...g, "commit"]), [...g, "commit"]);
  while (lines.size < count) {
    const line: string[] = [];
    const globals = Math.floor(r(5));
    for (let i = 0; i < globals; i++) line.push(...pick(GLOBALS));
    if (r(10) >= 1) line.push(pick(COMMANDS));
    const args = Math.floor(r(3));
    for (let i = 0; i < args; i++) line.push(pick(ARGS));
    lines.set(JSON.stringify(line), line);
  }
  return [...lines.values()];
}

let box: Sandbox;
let prefix: string;
const doors: Record<"c" | "sh", string> = { c: "", sh: "" };
let baseEnv: Env;

beforeAll(() => {
  requireBinary();
  box = makeSandbox("front-door");
  prefix = join(box.dir, "prefix");
  mkdirSync(join(prefix, "bin"), { recursive: true });
  mkdirSync(join(prefix, "libexec", "git-traces", "shim"), { recursive: true });
  symlinkSync(BINARY, join(prefix, "bin", "git-traces"));
  symlinkSync(REAL_GIT, join(prefix, "libexec", "git-traces", "git"));
  symlinkSync(join(prefix, "bin", "git-traces"), join(prefix, "libexec", "git-traces", "shim", "git"));
  // The forms as the installer makes them.
  const cSource = join(box.dir, "front-door.c");
  writeFileSync(cSource, frontDoorC());
  doors.c = join(box.dir, "c", "git");
  mkdirSync(join(box.dir, "c"));
  const cc = run(["cc", "-O2", "-Wall", "-Werror", `-DGT_PREFIX="${prefix}"`, "-o", doors.c, cSource], {
    env: { PATH: "/usr/bin:/bin" },
  });
  expect(cc.err).toBe("");
  expect(cc.exitCode).toBe(0);
  doors.sh = join(box.dir, "sh", "git");
  mkdirSync(join(box.dir, "sh"));
  const lines = frontDoorSh().split("\n");
  lines[1] = `P="${prefix}"`;
  writeFileSync(doors.sh, lines.join("\n"), { mode: 0o755 });
  baseEnv = { HOME: box.home, PATH: "/usr/bin:/bin", LC_ALL: "C" };
});
afterAll(() => box?.cleanup());

function explain(door: string, args: readonly string[], env: Env): string {
  const r = Bun.spawnSync({
    cmd: [door, ...args],
    env: { ...env, GIT_TRACES_FRONT_DOOR_EXPLAIN: "1" } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  return r.stdout.toString().split(" ")[0] ?? "";
}

test("the build writes exactly the generated forms", () => {
  expect(readFileSync(join(ROOT, "dist", "front-door.c"), "utf8")).toBe(frontDoorC());
  expect(readFileSync(join(ROOT, "dist", "front-door.sh"), "utf8")).toBe(frontDoorSh());
});

describe("parity with the shim's parser", () => {
  const lines = generateLines(600);
  test("at least 500 generated command lines", () => {
    expect(lines.length).toBeGreaterThanOrEqual(500);
    const decisions = new Set(lines.map((l) => shimDecision(l, {}, false)));
    expect(decisions).toEqual(new Set(["git", "shim"]));
  });
  for (const form of ["c", "sh"] as const) {
    test(`${form}: every line, with and without pending work`, () => {
      const hint = join(box.dir, "data-pending");
      mkdirSync(join(hint, "pending"), { recursive: true });
      writeFileSync(join(hint, "pending", "123"), "/some/repo/.git\n");
      const noHint = join(box.dir, "data-none");
      const wrong: string[] = [];
      lines.forEach((line, i) => {
        // Half the lines run while some work is pending, found through each way to the data home.
        const pendingNow = i % 2 === 1;
        const env: Env = { ...baseEnv };
        const data = pendingNow ? hint : noHint;
        if (i % 3 === 0) env.GIT_TRACES_HOME = data;
        else if (i % 3 === 1) env.XDG_DATA_HOME = join(data, "xdg");
        else env.HOME = join(data, "home");
        if (pendingNow && i % 3 === 1) mkdirSync(join(data, "xdg", "git-traces", "pending"), { recursive: true });
        if (pendingNow && i % 3 === 2)
          mkdirSync(join(data, "home", ".local/share/git-traces/pending"), { recursive: true });
        const want = shimDecision(line, env, pendingNow);
        const got = explain(doors[form], line, env);
        if (got !== want) wrong.push(`${JSON.stringify(line)}: front door ${got}, shim ${want}`);
      });
      expect(wrong).toEqual([]);
    });
  }

  const ENVS: Env[] = [
    { GIT_TRACES_DISABLE: "1" },
    { GIT_TRACES_DISABLE: "0" },
    { GIT_TRACES_DISABLE: "" },
    { GIT_TRACES_DISABLE: "FaLsE" },
    { GIT_TRACES_DISABLE: "no" },
    { GIT_TRACES_NESTED: "1" },
    { GIT_TRACES_NESTED: "" },
    { COMP_LINE: "" },
    { GIT_TRACES_JOB: "" },
    { GIT_TRACES_JOB: "{}", GIT_TRACES_DISABLE: "1" },
    { GIT_TRACES_REAL_GIT: "/usr/bin/git" },
    { GIT_TRACES_REAL_GIT: "" },
    { GIT_TRACES_TRACE: "1", GIT_TRACES_NESTED: "1" },
  ];
  for (const form of ["c", "sh"] as const) {
    test(`${form}: the shim's settings in the environment`, () => {
      const wrong: string[] = [];
      for (const extra of ENVS) {
        for (const line of [["status"], ["commit"], ["log"], ["co"], ["--version"]]) {
          const env = { ...baseEnv, ...extra };
          const want = shimDecision(line, env, false);
          const got = explain(doors[form], line, env);
          if (got !== want) wrong.push(`${JSON.stringify(extra)} ${line}: front door ${got}, shim ${want}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe("what runs", () => {
  for (const form of ["c", "sh"] as const) {
    test(`${form}: plain commands reach the real git with argv, bytes and status untouched`, () => {
      const env = { ...baseEnv };
      const weird = ["a b", "", "é", "\xff", "-C", "--", "$HOME", "*"];
      const r = Bun.spawnSync({
        cmd: [doors[form], "rev-parse", "--sq-quote", ...weird],
        env: env as Record<string, string>,
        stdout: "pipe",
      });
      const stock = Bun.spawnSync({ cmd: [REAL_GIT, "rev-parse", "--sq-quote", ...weird], stdout: "pipe" });
      expect(r.stdout.toString()).toBe(stock.stdout.toString());
      const bad = run([doors[form], "rev-parse", "--verify", "-q", "no-such-ref"], { env, cwd: box.dir });
      expect(bad.exitCode).toBe(128);
      expect(run([doors[form], "frobnicate"], { env, cwd: box.dir }).err).toContain(
        "'frobnicate' is not a git command",
      );
    });

    test(`${form}: intercepted commands and traces reach the Bun binary as the shim`, () => {
      const env = { ...baseEnv };
      const r = run([doors[form], "traces", "doctor"], { env, cwd: box.dir });
      expect(r.out).toContain("invoked_as=");
      expect(r.out).toContain(`binary=${BINARY}`);
      // Not a git repository: git's own refusal, after the shim ran.
      const c = run([doors[form], "commit", "-m", "x"], { env, cwd: box.dir });
      expect(c.err).toContain("not a git repository");
      expect(c.exitCode).toBe(128);
    });

    test(`${form}: a recorded git that is gone: the shim finds git on PATH`, () => {
      const recorded = join(prefix, "libexec", "git-traces", "git");
      renameSync(recorded, `${recorded}.away`);
      try {
        // The front door's own directory first on PATH: the search must skip it, by its mark.
        const r = Bun.spawnSync({
          cmd: [doors[form], "rev-parse", "--sq-quote", "x y"],
          env: { ...baseEnv, PATH: `${dirname(doors[form])}:/usr/bin:/bin` } as Record<string, string>,
          stdout: "pipe",
          timeout: 10_000,
        });
        expect(r.stdout.toString()).toBe(" 'x y'\n");
        expect(r.exitCode).toBe(0);
      } finally {
        renameSync(`${recorded}.away`, recorded);
      }
    });

    test(`${form}: a GIT_TRACES_REAL_GIT that cannot run is reported by the shim`, () => {
      const env = { ...baseEnv, GIT_TRACES_REAL_GIT: "/nonexistent/git" };
      const r = run([doors[form], "status"], { env, cwd: box.dir });
      expect(r.err).toContain("GIT_TRACES_REAL_GIT=/nonexistent/git");
      expect(r.exitCode).toBe(127);
    });
  }
});
