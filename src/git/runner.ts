// The one place that spawns git for the tool's own work. Every other part calls named
// functions (src/git/*.ts) that use this runner and return parsed values.

import { TracesError } from "../base/errors.ts";
import { traceWrite } from "./trace.ts";

/** Set on every git we start, so a shim that git's hooks or aliases reach passes straight through. */
export const NESTED_ENV = "GIT_TRACES_NESTED";
const TRACE_ENV = "GIT_TRACES_TRACE";

/**
 * The line of git's stderr that says what went wrong: the first `fatal:` or `error:` line
 * (without that word), else the last line that is not a hint. git often ends with advice
 * ("Please make sure you have the correct access rights / and the repository exists."),
 * which alone would explain nothing.
 */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const said = lines.find((l) => /^(fatal|error): /.test(l));
  if (said) return said.replace(/^(fatal|error): /, "");
  return lines.filter((l) => !/^hint: /.test(l)).pop() ?? "";
}

export class GitError extends TracesError {
  readonly code = "GIT_FAILED";
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    const detail = gitReason(stderr);
    super(`git ${argv.join(" ")} failed (exit ${exitCode})${detail ? `: ${detail}` : ""}`, { argv, exitCode });
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Bytes or text fed to git's stdin. */
  input?: string | Uint8Array;
  /** Extra environment for this call only. */
  env?: Record<string, string | undefined>;
  /** Do not prefix the context options (for commands that must ignore -C/--git-dir). */
  noContext?: boolean;
  cwd?: string;
}

export interface GitRunnerConfig {
  /** Absolute path of the real git. */
  git: string;
  /** Global options that pick the repository and config (`-C`, `-c`, `--git-dir`, ...). */
  context?: readonly string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export class GitRunner {
  readonly git: string;
  readonly context: readonly string[];
  readonly cwd: string | undefined;
  private readonly baseEnv: Record<string, string | undefined>;
  private readonly trace: boolean;

  constructor(config: GitRunnerConfig) {
    this.git = config.git;
    this.context = config.context ?? [];
    this.cwd = config.cwd;
    const env = { ...(config.env ?? process.env) };
    env[NESTED_ENV] = "1";
    this.trace = Boolean(env[TRACE_ENV]) && env[TRACE_ENV] !== "0";
    this.baseEnv = env;
  }

  /** Runs git and returns what it printed and its status; never throws on a non-zero exit. */
  run(args: readonly string[], opts: RunOptions = {}): RunResult {
    const r = this.spawnSync(args, opts);
    return { stdout: r.stdout.toString(), stderr: r.stderr, exitCode: r.exitCode };
  }

  /** Like out(), with stdout as bytes: for file content that must stay exact (hashing, invalid UTF-8). */
  outBytes(args: readonly string[], opts: RunOptions = {}): Buffer {
    const r = this.spawnSync(args, opts);
    if (r.exitCode !== 0) throw new GitError(args, r.exitCode, r.stderr);
    return r.stdout;
  }

  private spawnSync(args: readonly string[], opts: RunOptions): { stdout: Buffer; stderr: string; exitCode: number } {
    const argv = opts.noContext ? [...args] : [...this.context, ...args];
    const started = this.trace ? performance.now() : 0;
    const proc = Bun.spawnSync({
      cmd: [this.git, ...argv],
      cwd: opts.cwd ?? this.cwd,
      env: opts.env ? { ...this.baseEnv, ...opts.env } : this.baseEnv,
      stdin: opts.input === undefined ? "ignore" : new Blob([opts.input as string]),
      stdout: "pipe",
      stderr: "pipe",
    });
    const result = {
      stdout: proc.stdout ?? Buffer.alloc(0),
      stderr: proc.stderr ? proc.stderr.toString() : "",
      exitCode: proc.exitCode ?? 128,
    };
    this.traced(argv, started, result.exitCode);
    return result;
  }

  /** With GIT_TRACES_TRACE: the call, its status, how long it took and when it started. */
  private traced(argv: readonly string[], started: number, exitCode: number): void {
    if (!this.trace) return;
    const ms = (performance.now() - started).toFixed(1);
    traceWrite(`git ${argv.join(" ")} -> ${exitCode} (${ms} ms from ${started.toFixed(1)} ms)`);
  }

  /** git started without waiting, with this runner's context, directory and environment. */
  private spawnAsync<In extends "pipe" | "ignore">(
    args: readonly string[],
    opts: Omit<RunOptions, "input">,
    stdin: In,
  ) {
    const argv = opts.noContext ? [...args] : [...this.context, ...args];
    const started = this.trace ? performance.now() : 0;
    const proc = Bun.spawn({
      cmd: [this.git, ...argv],
      cwd: opts.cwd ?? this.cwd,
      env: opts.env ? { ...this.baseEnv, ...opts.env } : this.baseEnv,
      stdin,
      stdout: "pipe",
      stderr: "pipe",
    });
    return { proc, traced: (exitCode: number) => this.traced(argv, started, exitCode) };
  }

  /** Like run(), without blocking: for independent git calls that can run side by side. */
  async runAsync(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const { input, ...rest } = opts;
    const r = await this.startFed(args, rest)(input ?? "");
    return { ...r, stdout: r.stdout.toString() };
  }

  /**
   * Starts git now and gives it its stdin later: the process starts and opens the
   * repository while the caller still works out what to ask (`cat-file --batch` for notes
   * that depend on a `git log` still running). Call the returned function exactly once.
   */
  startFed(
    args: readonly string[],
    opts: Omit<RunOptions, "input"> = {},
  ): (input: string | Uint8Array) => Promise<Omit<RunResult, "stdout"> & { stdout: Buffer }> {
    const { proc, traced } = this.spawnAsync(args, opts, "pipe");
    const output = Promise.all([
      new Response(proc.stdout).arrayBuffer(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return async (input) => {
      try {
        if (input.length) proc.stdin.write(input);
        await proc.stdin.end();
      } catch {
        // git went away before reading it all: its exit status says why
      }
      const [stdout, stderr, exitCode] = await output;
      traced(exitCode);
      return { stdout: Buffer.from(stdout), stderr, exitCode };
    };
  }

  /**
   * Starts git and hands its stdout over as it comes, for output too long to wait for
   * (`git log` of a whole history): the caller reads `stdout` to its end, then awaits
   * `done` for git's status and stderr. stdin is closed, as for run().
   */
  stream(
    args: readonly string[],
    opts: Omit<RunOptions, "input"> = {},
  ): { stdout: AsyncIterable<Uint8Array>; done: Promise<Omit<RunResult, "stdout">> } {
    const { proc, traced } = this.spawnAsync(args, opts, "ignore");
    const done = Promise.all([new Response(proc.stderr).text(), proc.exited]).then(([stderr, exitCode]) => {
      traced(exitCode);
      return { stderr, exitCode };
    });
    return { stdout: proc.stdout, done };
  }

  /** stdout of a git call that must succeed. */
  out(args: readonly string[], opts?: RunOptions): string {
    const r = this.run(args, opts);
    if (r.exitCode !== 0) throw new GitError(args, r.exitCode, r.stderr);
    return r.stdout;
  }

  /**
   * stdout, or null when git exits with `absentStatus` (`git config --get` and
   * `git notes show` exit 1 when there is nothing); other failures throw.
   */
  outOrNull(args: readonly string[], absentStatus = 1, opts?: RunOptions): string | null {
    const r = this.run(args, opts);
    if (r.exitCode === 0) return r.stdout;
    if (r.exitCode === absentStatus) return null;
    throw new GitError(args, r.exitCode, r.stderr);
  }
}

/** The version a git binary says it is (`2.39.5`); null when it does not run or say. */
export function gitVersion(path: string): string | null {
  try {
    const r = new GitRunner({ git: path }).run(["--version"], { noContext: true });
    return r.exitCode === 0 ? r.stdout.trim().replace(/^git version /, "") : null;
  } catch {
    return null; // not executable, not a program
  }
}
