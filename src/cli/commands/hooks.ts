// `git traces hooks install|uninstall|status`: the agents' own hook configs, which call
// `git-traces hook <agent> <event>` so that commits know which sessions are active.

import { existsSync, realpathSync } from "node:fs";
import { basename } from "node:path";
import { adapter, supportedAgents } from "../../agents/index.ts";
import { DEFAULT_BINARY } from "../../agents/shared/command-hooks.ts";
import type { AgentAdapter, HookFileChange, HookInstallOptions, HookStatus } from "../../agents/types.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { UsageError } from "../errors.ts";
import { messages } from "../messages.ts";
import { requireWorktree } from "../shared/repo.ts";

export interface HooksOptions {
  agent?: string;
  project: boolean;
  json: boolean;
}

const agentArgs = {
  agent: {
    type: "string",
    description: `Agent: ${["all", ...supportedAgents()].join(", ")} (default: every agent found on this machine)`,
    valueHint: "name",
  },
  project: {
    type: "boolean",
    description: "Use the repository's own agent config (e.g. .claude/settings.json) instead of your user config",
  },
  ...jsonArgs,
} as const;

/** The adapters a command works on; `detectedOnly` narrows "no --agent" to agents on this machine. */
async function chosenAdapters(opts: HooksOptions, deps: Deps, detectedOnly: boolean): Promise<AgentAdapter[]> {
  if (opts.agent && opts.agent !== "all") {
    const a = await adapter(opts.agent);
    if (!a)
      throw new UsageError(`unknown agent '${opts.agent}'; one of: all, ${supportedAgents().join(", ")}`, {
        agent: opts.agent,
      });
    return [a];
  }
  const all = await Promise.all(supportedAgents().map((n) => adapter(n)));
  const list = all.filter((a): a is AgentAdapter => a !== null);
  return detectedOnly && !opts.agent ? list.filter((a) => a.detect(deps.env)) : list;
}

/**
 * The binary the user's hooks run, by absolute path, so that an agent started outside a
 * login shell (without our PATH) still reports: this binary, named by the PATH entry that
 * leads to it when there is one (a name that stays put when a package manager moves the
 * file), else by its own path. Undefined when running from source (`bun src/...`).
 */
export function hookBinary(env: Record<string, string | undefined>, execPath = process.execPath): string | undefined {
  if (/^(bun|node)(\.exe)?$/.test(basename(execPath))) return undefined;
  const self = realOrNull(execPath) ?? execPath;
  const onPath = Bun.which("git-traces", { PATH: env.PATH ?? "" });
  if (onPath?.startsWith("/") && realOrNull(onPath) === self) return onPath;
  return execPath;
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function installOpts(opts: HooksOptions, deps: Deps): HookInstallOptions {
  if (opts.project) return { env: deps.env, project: requireWorktree(deps).topLevel };
  const command = hookBinary(deps.env, deps.execPath);
  return { env: deps.env, ...(command ? { command } : {}) };
}

function printChanges(deps: Deps, agent: AgentAdapter, changes: HookFileChange[], none: string): void {
  const done = changes.filter((c) => c.changes.length);
  if (!done.length) deps.io.out(`${agent.displayName}: ${none}\n`);
  for (const c of done) deps.io.out(`${agent.displayName}: ${c.changes.join(", ")} (${c.file})\n`);
}

export async function runHooksInstall(opts: HooksOptions, deps: Deps): Promise<number> {
  const agents = await chosenAdapters(opts, deps, true);
  const say = messages(deps.io);
  if (!agents.length) {
    say.error(`no agent found on this machine; name one with --agent (${supportedAgents().join(", ")})`);
    return 1;
  }
  const result: { agent: string; changes: HookFileChange[] }[] = [];
  for (const a of agents) result.push({ agent: a.name, changes: await a.hooks.install(installOpts(opts, deps)) });
  if (opts.json) deps.io.out(`${JSON.stringify(result, null, 2)}\n`);
  else
    for (const r of result)
      printChanges(deps, agents.find((a) => a.name === r.agent)!, r.changes, "hooks already installed");
  if (!opts.agent && !opts.json) {
    const skipped = supportedAgents().filter((n) => !agents.some((a) => a.name === n));
    if (skipped.length)
      say.info(`Not found on this machine, so left alone: ${skipped.join(", ")} (install anyway with --agent <name>)`);
  }
  return 0;
}

export async function runHooksUninstall(opts: HooksOptions, deps: Deps): Promise<number> {
  const agents = await chosenAdapters(opts, deps, false);
  const result: { agent: string; changes: HookFileChange[] }[] = [];
  for (const a of agents) result.push({ agent: a.name, changes: await a.hooks.uninstall(installOpts(opts, deps)) });
  if (opts.json) deps.io.out(`${JSON.stringify(result, null, 2)}\n`);
  else
    for (const r of result)
      printChanges(deps, agents.find((a) => a.name === r.agent)!, r.changes, "no git-traces hooks to remove");
  return 0;
}

export async function runHooksStatus(opts: HooksOptions, deps: Deps): Promise<number> {
  const agents = await chosenAdapters(opts, deps, false);
  const statuses: (HookStatus & { scope: string })[] = [];
  for (const a of agents)
    statuses.push({ scope: opts.project ? "project" : "user", ...(await a.hooks.status(installOpts(opts, deps))) });
  const onPath = Bun.which("git-traces", { PATH: deps.env.PATH ?? "" });
  const fallback = DEFAULT_BINARY.replace("~", deps.env.HOME ?? "~");
  if (opts.json) {
    deps.io.out(`${JSON.stringify({ gitTracesOnPath: onPath ?? null, agents: statuses }, null, 2)}\n`);
    return 0;
  }
  for (const s of statuses) {
    const name = agents.find((a) => a.name === s.agent)!.displayName;
    const state =
      s.events.length === 0
        ? "not installed"
        : s.missing.length
          ? `partly installed (missing: ${s.missing.join(", ")})`
          : "installed";
    deps.io.out(`${name}: ${state}\n  file: ${s.file}${s.exists ? "" : " (does not exist)"}\n`);
    if (s.events.length) deps.io.out(`  events: ${s.events.join(", ")}\n`);
    for (const n of s.notes) deps.io.out(`  note: ${n}\n`);
  }
  // The user's hooks name the binary by its path; a project's look for it on PATH and where the installer puts it.
  if (opts.project && !onPath && !existsSync(fallback) && statuses.some((s) => s.events.length)) {
    messages(deps.io).warn(
      `neither \`git-traces\` on PATH nor ${fallback}: the project's hooks do nothing here; run scripts/install.sh`,
    );
  }
  return 0;
}

const optionsOf = (args: Record<string, unknown>): HooksOptions => ({
  ...(typeof args.agent === "string" ? { agent: args.agent } : {}),
  project: Boolean(args.project),
  json: Boolean(args.json),
});

export default defineTracesCommand({
  meta: { name: "hooks", description: "Install, remove or show the agent hooks that report active sessions" },
  subCommands: {
    install: defineTracesCommand({
      meta: { name: "install", description: "Add git-traces hooks to the agents' configs (keeps everything else)" },
      args: agentArgs,
      examples: ["git traces hooks install", "git traces hooks install --agent claude-code --project"],
      run: (ctx) => runHooksInstall(optionsOf(ctx.args), depsOf(ctx)),
    }),
    uninstall: defineTracesCommand({
      meta: { name: "uninstall", description: "Remove exactly the hooks git-traces added" },
      args: agentArgs,
      examples: ["git traces hooks uninstall", "git traces hooks uninstall --agent codex"],
      run: (ctx) => runHooksUninstall(optionsOf(ctx.args), depsOf(ctx)),
    }),
    status: defineTracesCommand({
      meta: { name: "status", description: "Show which agents have git-traces hooks, and where" },
      args: agentArgs,
      examples: ["git traces hooks status", "git traces hooks status --project --json"],
      run: (ctx) => runHooksStatus(optionsOf(ctx.args), depsOf(ctx)),
    }),
  },
  examples: ["git traces hooks install", "git traces hooks status"],
});
