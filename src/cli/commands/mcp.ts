// `git traces mcp [--repo <dir>]`: the history as a Model Context Protocol server on stdio,
// for agents (docs/mcp.md). The server and its tools are src/views/mcp/; this file starts it
// in the repository asked for. `git traces mcp install|uninstall|status [--agent <name>]`
// registers it in the agents' MCP configurations (src/agents/shared/mcp-config.ts).

import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { adapter } from "../../agents/index.ts";
import type { McpServerEntry } from "../../agents/shared/mcp-config.ts";
import { repoState } from "../../git/repo.ts";
import { GitRunner } from "../../git/runner.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { hookBinary } from "./hooks.ts";

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
    // As git says of -C: not a usage mistake, a place that is not there (status 128).
    throw new CliError(`cannot change to '${opts.repo}': not a directory`, "CHDIR", { repo: opts.repo }, 128);
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
  // The binary starts with a reluctant JIT, right for one short command (scripts/build.ts);
  // a server answers the same questions for hours, where compiling pays.
  Bun.unsafe.setJITPolicy?.(1); // absent in older Bun
  const [{ McpRepo }, { serveMcp }] = await Promise.all([
    import("../../views/mcp/repo.ts"),
    import("../../views/mcp/server.ts"),
  ]);
  const repo = new McpRepo(git, state.topLevel, deps.env);
  // The notes are read at start-up, before the first question (agents start their MCP
  // servers with the session); a failure here is met again, and answered, on a request.
  try {
    repo.refresh();
    await repo.warm();
  } catch {
    // answered per request
  }
  await serveMcp(repo);
  return 0;
}

export type McpAction = "install" | "uninstall" | "status";

/** The command an agent runs: this binary by absolute path (as the hooks do), `git traces mcp` when it is `git`. */
export function serverEntry(deps: Deps): McpServerEntry {
  const binary = hookBinary(deps.env, deps.execPath) ?? "git-traces";
  return basename(binary) === "git" ? { command: binary, args: ["traces", "mcp"] } : { command: binary, args: ["mcp"] };
}

export async function runMcpConfig(action: McpAction, agent: string | undefined, deps: Deps): Promise<number> {
  const config = await import("../../agents/shared/mcp-config.ts");
  const all = config.mcpTargets(deps.env);
  if (agent !== undefined && agent !== "all" && !all.some((t) => t.agent === agent))
    throw new UsageError(`unknown agent '${agent}'; one of: all, ${all.map((t) => t.agent).join(", ")}`, { agent });
  let targets = agent === undefined || agent === "all" ? all : all.filter((t) => t.agent === agent);
  if (action === "install" && agent === undefined) {
    // Every agent found on this machine.
    const found = await Promise.all(targets.map(async (t) => (await adapter(t.agent))?.detect(deps.env) ?? false));
    targets = targets.filter((_, i) => found[i]);
    if (!targets.length) deps.io.err("No agent found on this machine; name one with --agent.\n");
  }
  for (const t of targets) {
    if (action === "status") {
      deps.io.out(`${t.agent}: ${config.mcpServerInstalled(t) ? "registered" : "not registered"} (${t.file})\n`);
      continue;
    }
    const change =
      action === "install"
        ? config.installMcpServer(t, serverEntry(deps), deps.env)
        : config.uninstallMcpServer(t, deps.env);
    deps.io.out(`${t.agent}: ${change.changes.length ? change.changes.join(", ") : "nothing to do"} (${t.file})\n`);
  }
  return 0;
}

const ACTIONS = new Set(["install", "uninstall", "status"]);

export default defineTracesCommand({
  meta: {
    name: "mcp",
    description: "Serve the traces of a repository to agents over MCP (stdio): blame, show, log, search",
  },
  args: {
    action: {
      type: "positional",
      required: false,
      description: "install, uninstall or status: the server in the agents' MCP configurations (default: serve)",
      valueHint: "action",
    },
    agent: {
      type: "string",
      description: "With install, uninstall, status: claude-code, codex, cursor, gemini-cli or all",
      valueHint: "name",
    },
    repo: { type: "string", description: "The repository to serve (default: the current one)", valueHint: "dir" },
  },
  examples: [
    "git traces mcp",
    "git traces mcp --repo ~/work/shop",
    "git traces mcp install",
    "git traces mcp uninstall",
  ],
  run: (ctx) => {
    const action = ctx.args.action as string | undefined;
    const agent = ctx.args.agent as string | undefined;
    if (action !== undefined) {
      if (!ACTIONS.has(action))
        throw new UsageError(`unknown action '${action}'; git traces mcp [install | uninstall | status]`, { action });
      return runMcpConfig(action as McpAction, agent, depsOf(ctx));
    }
    if (agent !== undefined) throw new UsageError("--agent goes with install, uninstall or status");
    return runMcp({ ...(ctx.args.repo !== undefined ? { repo: String(ctx.args.repo) } : {}) }, depsOf(ctx));
  },
});
