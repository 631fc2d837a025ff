// `git-traces find-real-git` (hidden): prints the real git the installer should record:
// GIT_TRACES_REAL_GIT when set, else the first git on PATH that is not this binary.

import { overrideProblem, REAL_GIT_ENV, searchPath } from "../../git/locate.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import { CliError } from "../errors.ts";

export default defineTracesCommand({
  meta: { name: "find-real-git", description: "Print the path of the real git (used by the installer)", hidden: true },
  args: {},
  run: (ctx) => {
    const { env, io } = depsOf(ctx);
    const override = env[REAL_GIT_ENV];
    if (override) {
      const problem = overrideProblem(override);
      if (problem) throw new CliError(`${REAL_GIT_ENV}=${override} ${problem}`, "REAL_GIT_OVERRIDE_INVALID");
      io.out(`${override}\n`);
      return 0;
    }
    const found = searchPath(env.PATH);
    if (!found) throw new CliError("no git on PATH besides git-traces", "REAL_GIT_NOT_FOUND");
    io.out(`${found}\n`);
    return 0;
  },
});
