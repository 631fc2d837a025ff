// GIT_TRACES_TRACE=1: the runner prints every git call with its duration; this prints the
// phases in between, with the time since the process started, to see where time goes.

const on = Boolean(process.env.GIT_TRACES_TRACE) && process.env.GIT_TRACES_TRACE !== "0";

export function traceMark(label: string): void {
  if (on) process.stderr.write(`git-traces: trace: ${label} at ${performance.now().toFixed(1)} ms\n`);
}
