// Entry of the compiled binary. Invoked as `git`, it is the shim: it hands every command it
// does not intercept to the real git before anything heavy loads. Invoked under any other
// name (`git-traces`), it is the tool's own CLI.
//
// Static imports here must stay tiny (test/import-graph.test.ts checks it): the decision
// is string checks on argv and env; interceptors and the CLI load with `await import()`.

import { GIT_COMMANDS } from "../src/git/commands.ts";
import { parseCommandLine } from "../src/git/globals.ts";
import { baseOf } from "../src/git/locate.ts";
import { passThrough } from "../src/git/passthrough.ts";
import { NESTED_ENV } from "../src/git/runner.ts";
import { INTERCEPTED, READS_NOTES } from "../src/interceptors/names.ts";
import { traceMark } from "../src/git/trace.ts";
import { anyPending } from "../src/jobs/hint.ts";
import { JOB_ENV } from "../src/base/env.ts";

const args = process.argv.slice(2);

function disabled(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

async function asGit(): Promise<void> {
  traceMark("shim started");
  const env = process.env;
  // Cheapest checks first: opt-out, our own nested calls, shell completion.
  if (disabled(env.GIT_TRACES_DISABLE) || env[NESTED_ENV] || env.COMP_LINE !== undefined) passThrough();
  const line = parseCommandLine(args);
  if (line.kind !== "command") passThrough();
  let { command, args: commandArgs } = line;
  if (command !== "traces" && !INTERCEPTED.has(command)) {
    if (GIT_COMMANDS.has(command)) {
      // A note being written in the background right after a commit belongs in what git reads.
      if (READS_NOTES.has(command) && anyPending(env)) {
        try {
          await (await import("../src/interceptors/wait-notes.ts")).waitForNotes(line.globals, env);
        } catch {
          // git runs all the same
        }
      }
      passThrough();
    }
    const { resolveCommand } = await import("../src/interceptors/dispatch.ts");
    const resolved = await resolveCommand(line.globals, command, commandArgs);
    if (!resolved) passThrough();
    ({ command, args: commandArgs } = resolved);
  }
  if (command === "traces") {
    const { main } = await import("../src/cli/main.ts");
    await main(commandArgs, { globals: line.globals });
    return;
  }
  const { dispatch } = await import("../src/interceptors/dispatch.ts");
  await dispatch({ argv0: process.argv0, args, globals: line.globals, command, commandArgs });
}

// A background worker runs this binary under its resolved path, which may be `git` itself (a
// package that installs it as git alone): its job variable, not its name, makes it the CLI.
if (baseOf(process.argv0) === "git" && process.env[JOB_ENV] === undefined) {
  try {
    await asGit();
  } catch {
    // Whatever went wrong in our code happened before git ran (interceptors catch their
    // own errors once it has): the user's command still runs, untouched.
    passThrough();
  }
} else {
  const { main } = await import("../src/cli/main.ts");
  await main(args, { globals: [] });
}
