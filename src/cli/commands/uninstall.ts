// `git-traces uninstall [--purge]` (hidden): takes away what git-traces added outside its
// install prefix, before scripts/install.sh --uninstall deletes the binary:
//   - the agent hooks, in the user's configs and in every project config `hooks install
//     --project` wrote (each recorded in <data home>/hooks-installed.json), so that no agent
//     is left running a binary that is gone;
//   - the notes and shared-content fetch refspecs added to repositories' remotes, exactly the
//     lines listed in <data home>/refspecs-added.jsonl when they were added, where still there;
//   - with --purge, the snapshots of sessions (unredacted copies of agent transcripts) and the
//     rest of the data home, after saying what they are. Without it they stay, and it says how
//     to remove them.
// Notes themselves (refs/notes/traces and the remotes' tracking refs) are history and stay.

import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { adapter, supportedAgents } from "../../agents/index.ts";
import { recordedHookFiles } from "../../agents/shared/command-hooks.ts";
import type { AgentAdapter, HookFileChange } from "../../agents/types.ts";
import { snapshotsDir } from "../../content/snapshots.ts";
import { removeAddedRefspecs } from "../../sync/added-refspecs.ts";
import { dataHome } from "../../base/home.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { messages } from "../messages.ts";

export interface UninstallOptions {
  purge: boolean;
}

/** Where each agent keeps a project's hook config, relative to the repository. */
const PROJECT_FILES: [string, RegExp][] = [
  ["claude-code", /\/\.claude\/settings\.json$/],
  ["codex", /\/\.codex\/(hooks\.json|config\.toml)$/],
  ["gemini-cli", /\/\.gemini\/settings\.json$/],
  ["cursor", /\/\.cursor\/hooks\.json$/],
  ["copilot-cli", /\/\.github\/hooks\/git-traces\.json$/],
  ["opencode", /\/\.opencode\/plugins?\/git-traces\.js$/],
];

/**
 * The project configs recorded, as (agent, repository); records written before they named them are read from
 * the path.
 */
export function recordedProjects(env: Record<string, string | undefined>): { agent: string; project: string }[] {
  const out = new Map<string, { agent: string; project: string }>();
  for (const [path, record] of Object.entries(recordedHookFiles(env))) {
    let agent = record.agent;
    let project = record.project;
    if (agent && !project) continue; // the user's own config
    if (!agent || !project) {
      const match = PROJECT_FILES.find(([, re]) => re.test(path));
      if (!match) continue;
      agent = match[0];
      project = path.slice(0, path.search(match[1]));
    }
    out.set(`${agent}\0${project}`, { agent, project });
  }
  return [...out.values()];
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function snapshotCount(dir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { count, bytes };
  }
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      if (!st.isFile()) continue;
      bytes += st.size;
      if (name.endsWith(".json")) count++;
    } catch {
      // gone meanwhile
    }
  }
  return { count, bytes };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function runUninstall(opts: UninstallOptions, deps: Deps): Promise<number> {
  const { env } = deps;
  // What it did and what it left, as messages (stderr): scripts/install.sh --uninstall shows them.
  const say = messages(deps.io);
  let failures = 0;

  // 1. Hooks: every agent's user config, then every recorded project config.
  const agents = (await Promise.all(supportedAgents().map((n) => adapter(n)))).filter(
    (a): a is AgentAdapter => a !== null,
  );
  const targets: { agent: AgentAdapter; project?: string }[] = agents.map((agent) => ({ agent }));
  for (const { agent, project } of recordedProjects(env)) {
    const a = agents.find((x) => x.name === agent);
    if (a && existsSync(project)) targets.push({ agent: a, project });
  }
  let hooksRemoved = 0;
  for (const t of targets) {
    let changes: HookFileChange[];
    try {
      changes = await t.agent.hooks.uninstall({ env, ...(t.project ? { project: t.project } : {}) });
    } catch (e) {
      failures++;
      say.error(`${t.agent.displayName}: ${(e as Error).message}`);
      continue;
    }
    for (const c of changes.filter((x) => x.changes.length)) {
      hooksRemoved++;
      say.success(`${t.agent.displayName}: ${c.changes.join(", ")} (${c.file})`);
    }
  }
  if (!hooksRemoved && !failures) say.info("No agent hooks of git-traces found.");
  // The MCP server registered by `git traces mcp install`.
  const mcp = await import("../../agents/shared/mcp-config.ts");
  for (const t of mcp.mcpTargets(env)) {
    try {
      const c = mcp.uninstallMcpServer(t, env);
      if (c.changes.length) say.success(`${t.agent}: ${c.changes.join(", ")} (${c.file})`);
    } catch (e) {
      failures++;
      say.error(`${t.agent}: ${(e as Error).message}`);
    }
  }

  // 2. The fetch refspecs added to repositories.
  try {
    const r = removeAddedRefspecs(deps.git(), env);
    const byConfig = new Map<string, string[]>();
    for (const e of r.removed) byConfig.set(e.config, [...new Set([...(byConfig.get(e.config) ?? []), e.remote])]);
    for (const [config, remotes] of byConfig) {
      say.success(
        `Removed the notes fetch refspecs git-traces had added to ${dirname(config)} (remote ${remotes.join(", ")})`,
      );
    }
    for (const e of r.failed) {
      failures++;
      say.error(`could not remove remote.${e.remote}.fetch ${e.value} from ${e.config}`);
    }
  } catch (e) {
    failures++;
    say.error(`the notes fetch refspecs were not removed: ${(e as Error).message}`);
  }

  // 3. The snapshots of sessions, and the rest of the data home.
  const home = dataHome(env);
  const snapshots = snapshotsDir(env);
  const { count, bytes } = snapshotCount(snapshots);
  const what =
    `${plural(count, "snapshot")} of agent sessions (${sizeOf(bytes)}) in ${snapshots}: ` +
    "copies of the sessions' transcripts, not redacted";
  if (opts.purge) {
    if (count || existsSync(snapshots)) say.info(`Deleting ${what}.`);
    // Only what git-traces puts there, in case the data home was pointed somewhere shared.
    for (const name of [
      "snapshots",
      "cache",
      "pending",
      "warnings.log",
      "hooks-installed.json",
      "refspecs-added.jsonl",
    ]) {
      rmSync(join(home, name), { recursive: true, force: true });
    }
    try {
      rmdirSync(home);
      say.success(`Deleted ${home}.`);
    } catch {
      if (existsSync(home)) say.info(`Left ${home}: it holds files git-traces did not write.`);
    }
  } else {
    if (count)
      say.info(
        `Kept ${what}. To delete them: rm -r '${snapshots.replaceAll("'", `'\\''`)}' ` +
          "(or run the uninstall again with --purge).",
      );
    rmSync(join(home, "cache"), { recursive: true, force: true }); // read again from the agents' files whenever needed
    try {
      rmdirSync(home); // nothing left in it
    } catch {
      if (!count && existsSync(home))
        say.info(`Kept ${home} (git-traces' log and data); --purge deletes what git-traces wrote there.`);
    }
  }
  return failures ? 1 : 0;
}

export default defineTracesCommand({
  meta: {
    name: "uninstall",
    description:
      "Remove the agent hooks and repository settings git-traces added (run by scripts/install.sh --uninstall)",
    hidden: true,
  },
  args: {
    purge: {
      type: "boolean",
      description:
        "Also delete the snapshots of sessions (unredacted copies of transcripts) and the rest of git-traces' data",
    },
  },
  run: (ctx) => runUninstall({ purge: Boolean(ctx.args.purge) }, depsOf(ctx)),
});
