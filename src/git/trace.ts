// GIT_TRACES_TRACE=1: the runner prints every git call with its duration; this prints the
// phases in between, with the time since the process started, to see where time goes.
// Written with writeSync: process.stderr would load Node's stream modules (about 8 ms),
// which would show in the very timings being traced.

import { nodeFs } from "../base/lazy-fs.ts";

const on = Boolean(process.env.GIT_TRACES_TRACE) && process.env.GIT_TRACES_TRACE !== "0";

/** One `git-traces: trace:` line on stderr (callers check that tracing is on). */
export function traceWrite(text: string): void {
  nodeFs().writeSync(2, `git-traces: trace: ${text}\n`);
}

export function traceMark(label: string): void {
  if (on) traceWrite(`${label} at ${performance.now().toFixed(1)} ms`);
}
