// Runs one upload command: /bin/sh -c in its own process group, stdin from /dev/null,
// output captured up to a cap, the whole group killed when the time is up (and whatever it
// left running when it ends). Never throws: a command that cannot start is an outcome too.

export interface CommandRun {
  /** null when it was ended by a signal or never started. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Why /bin/sh could not be started. */
  spawnError?: string;
  ms: number;
}

/** More than this of either stream is read and dropped: a URL is short. */
const MAX_OUTPUT = 256 * 1024;
/** After SIGTERM, the group has this long before SIGKILL. */
const GRACE_MS = 1000;
/** After the command ends, its streams have this long to close (a child that left the group may hold them). */
const DRAIN_MS = 1000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Reads a stream to its end (or until cancelled), keeping the first `max` bytes. */
function collect(stream: ReadableStream<Uint8Array>, max: number): { text: Promise<string>; cancel(): void } {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const text = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (size < max) {
          const part = value.subarray(0, max - size);
          chunks.push(part);
          size += part.length;
        }
      }
    } catch {
      // cancelled, or the pipe broke: what was read stands
    }
    return Buffer.concat(chunks).toString("utf8");
  })();
  return { text, cancel: () => void reader.cancel().catch(() => undefined) };
}

export async function runShellCommand(
  command: string,
  opts: { cwd: string; env: Record<string, string | undefined>; timeoutMs: number },
): Promise<CommandRun> {
  const started = Date.now();
  let proc;
  try {
    proc = Bun.spawn({
      cmd: ["/bin/sh", "-c", command],
      cwd: opts.cwd,
      env: opts.env,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      // Its own session, hence its own process group: the group can be killed as one.
      detached: true,
    });
  } catch (e) {
    return {
      exitCode: null,
      signal: null,
      timedOut: false,
      stdout: "",
      stderr: "",
      spawnError: (e as Error).message,
      ms: Date.now() - started,
    };
  }
  const out = collect(proc.stdout, MAX_OUTPUT);
  const err = collect(proc.stderr, MAX_OUTPUT);
  let timedOut = false;
  let hardKill: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(proc.pid, "SIGTERM");
    hardKill = setTimeout(() => killGroup(proc.pid, "SIGKILL"), GRACE_MS);
  }, opts.timeoutMs);
  await proc.exited;
  clearTimeout(timer);
  if (hardKill) clearTimeout(hardKill);
  // Whatever the command started and left behind goes with it.
  killGroup(proc.pid, "SIGKILL");
  const drained = setTimeout(() => {
    out.cancel();
    err.cancel();
  }, DRAIN_MS);
  const [stdout, stderr] = await Promise.all([out.text, err.text]);
  clearTimeout(drained);
  return {
    exitCode: proc.exitCode,
    signal: proc.signalCode === null || proc.signalCode === undefined ? null : String(proc.signalCode),
    timedOut,
    stdout,
    stderr,
    ms: Date.now() - started,
  };
}
