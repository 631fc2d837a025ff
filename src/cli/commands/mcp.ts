// `git traces mcp [--repo <dir>]`: the history as a Model Context Protocol server on stdio,
// for agents (docs/mcp.md). The server and its tools are src/views/mcp/; this file starts it
// in the repository asked for.

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { repoState } from "../../git/repo.ts";
import { GitRunner } from "../../git/runner.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";

export interface McpOptions {
  /** The repository to serve; the current directory's when absent. */
  repo?: string;
}

/** The runner for the repository served: the user's (with `git -C`, `-c`), or one in --repo. */
function runnerFor(opts: McpOptions, deps: Deps): GitRunner {
  const git = deps.git();
  if (opts.repo === undefined) return git;
  const dir = resolve(deps.cwd, opts.repo);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--repo '${opts.repo}' is not a directory`, { repo: opts.repo });
  return new GitRunner({ git: git.git, context: git.context, cwd: dir, env: deps.env });
}

export async function runMcp(opts: McpOptions, deps: Deps): Promise<number> {
  const git = runnerFor(opts, deps);
  const state = repoState(git);
  if (!state?.topLevel)
    throw new CliError(
      "git traces mcp serves a repository with a work tree: run it inside one or pass --repo <dir>",
      "NOT_A_REPO",
    );
  const [{ McpRepo }, { serveMcp }] = await Promise.all([
    import("../../views/mcp/repo.ts"),
    import("../../views/mcp/server.ts"),
  ]);
  await serveMcp(new McpRepo(git, state.topLevel, deps.env));
  return 0;
}

export default defineTracesCommand({
  meta: {
    name: "mcp",
    description: "Serve the traces of a repository to agents over MCP (stdio): blame, show, log, search",
  },
  args: {
    repo: { type: "string", description: "The repository to serve (default: the current one)", valueHint: "dir" },
  },
  examples: ["git traces mcp", "git traces mcp --repo ~/work/shop"],
  run: (ctx) => runMcp({ ...(ctx.args.repo !== undefined ? { repo: String(ctx.args.repo) } : {}) }, depsOf(ctx)),
});
