// `git traces logs [last]`: the details of trace work that failed inside the shim (the
// warning on stderr points here).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { logDir } from "../../base/report.ts";
import { sanitize } from "../../traces/sanitize.ts";
import { colorArgs, defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { requireRepo } from "../shared/repo.ts";

export function runLogs(which: string | undefined, json: boolean, deps: Deps): number {
  const dir = logDir(requireRepo(deps).gitDir);
  let files: string[] = [];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".log"))
      .sort();
  } catch {
    files = [];
  }
  if (which === "last") {
    const last = files.at(-1);
    if (!last) {
      deps.io.err("No logs: nothing has gone wrong here.\n");
      return 0;
    }
    const text = readFileSync(join(dir, last), "utf8");
    deps.io.out(json ? `${JSON.stringify({ file: join(dir, last), text })}\n` : sanitize(text));
    return 0;
  }
  if (json)
    deps.io.out(
      `${JSON.stringify(
        files.map((f) => join(dir, f)),
        null,
        2,
      )}\n`,
    );
  else if (!files.length) deps.io.err("No logs: nothing has gone wrong here.\n");
  else for (const f of files) deps.io.out(`${join(dir, f)}\n`);
  return 0;
}

export default defineTracesCommand({
  meta: { name: "logs", description: "List the logs of trace work that failed, or show the last one" },
  args: {
    which: { type: "positional", description: "'last' to show the newest log", required: false },
    ...jsonArgs,
    ...colorArgs,
  },
  examples: ["git traces logs", "git traces logs last"],
  run: (ctx) => runLogs(ctx.args.which as string | undefined, Boolean(ctx.args.json), depsOf(ctx)),
});
