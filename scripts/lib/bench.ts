// Shared pieces of the bench scripts: interleaved timing of whole commands, medians,
// ratios, the reference programs every shim call is measured against, and the setting
// they run in (the real git, a clean environment, the installed shim, a quiet machine).

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Variant {
  name: string;
  cmd: string[];
  argv0?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** Runs before each timed run, untimed (reset state). */
  before?: () => void;
  /**
   * Runs after each timed run, untimed (wait for background work, measure it). Gets the
   * moment (performance.now()) the timed command ended.
   */
  after?: (endedAt: number) => void;
}

export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}

function failure(v: Variant, code: number | null, stderr: string): Error {
  return new Error(`${v.name}: ${v.cmd.join(" ")} exited ${code}: ${stderr.slice(0, 500)}`);
}

function once(v: Variant): number {
  v.before?.();
  const started = performance.now();
  const p = Bun.spawnSync({
    cmd: v.cmd,
    argv0: v.argv0,
    cwd: v.cwd,
    env: v.env as Record<string, string>,
    stdin: v.input === undefined ? "ignore" : new Blob([v.input]),
    stdout: "ignore",
    stderr: "pipe",
  });
  const ended = performance.now();
  if (p.exitCode !== 0) throw failure(v, p.exitCode, p.stderr.toString());
  v.after?.(ended);
  return ended - started;
}

/** once() without blocking the event loop: signal handlers (cleanup on Ctrl-C) run meanwhile. */
async function onceAsync(v: Variant): Promise<number> {
  v.before?.();
  const started = performance.now();
  const p = Bun.spawn({
    cmd: v.cmd,
    argv0: v.argv0,
    cwd: v.cwd,
    env: v.env as Record<string, string>,
    stdin: v.input === undefined ? "ignore" : new Blob([v.input]),
    stdout: "ignore",
    stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  const ended = performance.now();
  if (code !== 0) throw failure(v, code, stderr);
  v.after?.(ended);
  return ended - started;
}

/**
 * Times every variant `rounds` times, round-robin (A B C A B C ...) so that drift in the
 * machine's load hits all of them alike. Returns the median per variant, in ms.
 */
export function interleave(variants: readonly Variant[], rounds: number, warmup = 3): Map<string, number> {
  for (let i = 0; i < warmup; i++) for (const v of variants) once(v);
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < rounds; i++) for (const v of variants) samples.get(v.name)!.push(once(v));
  return medians(samples);
}

/**
 * interleave(), but awaiting each run instead of blocking, for benches that hold servers
 * and must clean up on a signal; returns every sample (ms) per variant, not just medians.
 */
export async function interleaveSamples(
  variants: readonly Variant[],
  rounds: number,
  warmup = 3,
): Promise<Map<string, number[]>> {
  for (let i = 0; i < warmup; i++) for (const v of variants) await onceAsync(v);
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < rounds; i++) for (const v of variants) samples.get(v.name)!.push(await onceAsync(v));
  return samples;
}

export function medians(samples: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  return new Map([...samples].map(([k, xs]) => [k, median(xs)]));
}

export function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/** Prints rows as an aligned table. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
    .join("\n");
}

/**
 * Compiles the two reference programs of every bench: an empty Bun program (F, the
 * start-up every shim call pays) and the floor, a program that does nothing but execve
 * the real git at a fixed path (the best any Bun shim can do).
 */
export async function buildReferences(dir: string, realGit: string): Promise<{ empty: string; floor: string }> {
  mkdirSync(dir, { recursive: true });
  const sources = {
    empty: "",
    floor: `process.execve(${JSON.stringify(realGit)}, [process.argv0, ...process.argv.slice(2)], process.env);\n`,
  };
  const out = { empty: join(dir, "empty"), floor: join(dir, "floor") };
  for (const [name, code] of Object.entries(sources)) {
    const src = join(dir, `${name}.ts`);
    writeFileSync(src, code);
    const p = Bun.spawnSync({
      cmd: [
        "bun",
        "build",
        src,
        "--compile",
        "--no-compile-autoload-dotenv",
        "--no-compile-autoload-bunfig",
        "--outfile",
        join(dir, name),
      ],
      stdout: "ignore",
      stderr: "pipe",
    });
    if (p.exitCode !== 0) throw new Error(`bun build ${name}: ${p.stderr.toString()}`);
  }
  return out;
}

/** The real git the benches compare with: the first on a fixed PATH, never a shim on the user's. */
export function realGit(): string {
  return Bun.which("git", { PATH: "/usr/local/bin:/usr/bin:/bin" }) ?? "/usr/bin/git";
}

/** The compiled shim of this checkout; fails with the fix when it is not built. */
export async function shimBinary(root: string): Promise<string> {
  const binary = join(root, "dist", "git-traces");
  if (!(await Bun.file(binary).exists())) throw new Error("dist/git-traces is missing: run `bun run build` first");
  return binary;
}

/** An environment with nothing from the developer's: a given HOME, no system config, a fixed identity. */
export function benchEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: "/usr/bin:/bin",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Bench",
    GIT_AUTHOR_EMAIL: "bench@example.com",
    GIT_COMMITTER_NAME: "Bench",
    GIT_COMMITTER_EMAIL: "bench@example.com",
    // The interactive path (background work), as at a terminal: a bench has none.
    GIT_TRACES_SYNC: "0",
  };
}

/**
 * Installs `binary` under `prefix` with the real installer (no PATH changes), as a user
 * gets it. Returns the shim (`<prefix>/bin/git`) and the PATH that puts it first.
 */
export function installShim(
  root: string,
  binary: string,
  prefix: string,
  env: Record<string, string>,
  /** Installer flags, e.g. ["--front-door", "sh"] or ["--no-front-door"]; default: the installer's choice. */
  flags: readonly string[] = [],
): { shim: string; path: string } {
  const inst = Bun.spawnSync({
    cmd: [
      "sh",
      join(root, "scripts", "install.sh"),
      "--binary",
      binary,
      "--prefix",
      prefix,
      "--no-modify-path",
      ...flags,
    ],
    env,
    stdout: "ignore",
    stderr: "pipe",
  });
  if (inst.exitCode !== 0) throw new Error(`install failed: ${inst.stderr}`);
  return { shim: join(prefix, "bin", "git"), path: `${join(prefix, "bin")}:${env.PATH}` };
}

/** Where the shim's background workers leave a hint while they run, for this HOME (src/jobs/pending.ts). */
export function pendingDir(home: string): string {
  return join(home, ".local", "share", "git-traces", "pending");
}

/** Waits until no background worker of this HOME runs; returns how long that took (ms). */
export function settleWorkers(home: string, maxMs = 30_000): number {
  const dir = pendingDir(home);
  const started = performance.now();
  for (;;) {
    let left: string[] = [];
    try {
      left = readdirSync(dir);
    } catch {
      left = [];
    }
    const waited = performance.now() - started;
    left = left.filter((p) => /^\d+$/.test(p) && existsSync(`/proc/${p}`));
    if (left.length === 0) return waited;
    if (waited > maxMs) throw new Error(`background workers still running after ${maxMs} ms: ${left.join(", ")}`);
    Bun.sleepSync(1);
  }
}

/** The 1-minute load average, or null where /proc/loadavg does not exist. */
export function loadAverage(): number | null {
  try {
    return Number.parseFloat(readFileSync("/proc/loadavg", "utf8").split(" ")[0]!);
  } catch {
    return null;
  }
}

/**
 * Waits until the 1-minute load is below `below` or `maxMs` have passed, checking every
 * few seconds, so that timing starts on a machine as quiet as it is going to get. Returns
 * a sentence that says which happened, for the bench's output.
 */
export async function waitForCalm(below = 1.0, maxMs = 180_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const load = loadAverage();
    const waited = Math.round((Date.now() - started) / 1000);
    if (load === null) return "load: /proc/loadavg not readable; timing without waiting";
    if (load < below)
      return `load: 1-minute load ${load.toFixed(2)} < ${below.toFixed(1)} after ${waited} s of waiting`;
    if (Date.now() - started >= maxMs)
      return `load: 1-minute load still ${load.toFixed(2)} (>= ${below.toFixed(1)}) after ${waited} s; timing anyway, medians may be noisy`;
    await Bun.sleep(5000);
  }
}
