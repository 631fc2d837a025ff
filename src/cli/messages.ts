// The human messages of the commands that change things (hooks, sync, share, doctor's
// verdict, uninstall): one consola instance per command, made here. Its messages go to
// stderr through the command's IO, whatever their type: consola's own reporters write info
// and success to stdout, which carries data here (--json, doctor's key=value facts). Only
// consola's core is loaded (its main entry touches process.stdout and loads node:tty and
// node:util at import); the reporter below is the tool's own look:
//   - in a pipe, or with NO_COLOR: the bare sentence, `git-traces: warning: ...` and
//     `git-traces: ...` for warnings and errors, as git words its own;
//   - on a terminal with colour: an icon and a colour per type.
// The level is set here, not taken from NODE_ENV (`bun test` sets it to "test", which makes
// consola's defaults drop everything but warnings).

import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola/core";
import { sanitize } from "../traces/sanitize.ts";
import { painter } from "../views/render.ts";
import type { IO } from "./io.ts";

export type Messages = ConsolaInstance;

function text(args: readonly unknown[]): string {
  return args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
}

function reporter(io: IO): ConsolaReporter {
  return {
    log(logObj: LogObject) {
      const paint = painter({ color: io.errColor });
      const message = sanitize(text(logObj.args));
      const line = (() => {
        switch (logObj.type) {
          case "fatal":
          case "error":
            return `git-traces: ${io.errColor ? paint.red(message) : message}`;
          case "warn":
            return `git-traces: ${paint.yellow("warning:")} ${message}`;
          case "success":
            return io.errColor ? `${paint.green("✔")} ${message}` : message;
          case "fail":
            return io.errColor ? `${paint.red("✖")} ${message}` : message;
          case "info":
            return io.errColor ? `${paint.cyan("ℹ")} ${message}` : message;
          default:
            return message;
        }
      })();
      io.err(`${line}\n`);
    },
  };
}

/** The messages of one command, on its stderr. */
export function messages(io: IO): Messages {
  return createConsola({
    level: LogLevels.info,
    reporters: [reporter(io)],
    // Every message is said: consola would hold back a sixth identical one for a second,
    // and the process ends before that.
    throttle: 0,
  });
}
