// Shared pieces of the bench scripts: interleaved timing of whole commands, medians,
// ratios, and the reference programs every shim call is measured against.

import { mkdirSync, writeFileSync } from "node:fs";
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
  /** Runs after each timed run, untimed (wait for background work, measure it). */
  after?: () => void;
}

export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
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
  const ms = performance.now() - started;
  v.after?.();
  if (p.exitCode !== 0) {
    throw new Error(`${v.name}: ${v.cmd.join(" ")} exited ${p.exitCode}: ${p.stderr.toString().slice(0, 500)}`);
  }
  return ms;
}

/**
 * Times every variant `rounds` times, round-robin (A B C A B C ...) so that drift in the
 * machine's load hits all of them alike. Returns the median per variant, in ms.
 */
export function interleave(variants: readonly Variant[], rounds: number, warmup = 3): Map<string, number> {
  for (let i = 0; i < warmup; i++) for (const v of variants) once(v);
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < rounds; i++) for (const v of variants) samples.get(v.name)!.push(once(v));
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
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
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
      cmd: ["bun", "build", src, "--compile", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--outfile", join(dir, name)],
      stdout: "ignore",
      stderr: "pipe",
    });
    if (p.exitCode !== 0) throw new Error(`bun build ${name}: ${p.stderr.toString()}`);
  }
  return out;
}
