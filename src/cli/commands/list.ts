// `git traces list [--all] [--json]`: the agent sessions of this repository (every supported
// agent, every worktree), newest first, each with the commits it is attached to; with --all,
// every session on this machine grouped by repository.

import { worktreeRoots } from "../../attach/detect.ts";
import { commitSummaries } from "../../git/log.ts";
import { traceMark } from "../../git/trace.ts";
import { remoteUrl, repositoryOf, runnerFor, worktreePaths } from "../../git/where.ts";
import type { GitRunner } from "../../git/runner.ts";
import { allAttached, leftOutWarning, traceIndex, type LeftOut } from "../../views/attached.ts";
import { knowTraceIds } from "../../views/render.ts";
import {
  newestFirst,
  renderGroups,
  renderSessions,
  sessionRows,
  sortGroups,
  sourcesById,
  type ListView,
  type RepositoryGroup,
  type SessionRow,
} from "../../views/list.ts";
import { findSessions, type FoundSession } from "../../views/discovered.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { colorArgs, defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { requireRepo } from "../shared/repo.ts";
import { parseSince } from "../shared/since.ts";
import { UsageError } from "../errors.ts";
import { painter } from "../../views/render.ts";

export interface ListOptions {
  all: boolean;
  json: boolean;
  /** `-n`: at most this many sessions (newest first; with --all, in each repository). */
  max?: number;
  /** `--agent`: only sessions of this agent (claude-code, codex, ...; a prefix will do). */
  agent?: string;
  /** `--since`: only sessions active at or after this time. */
  since?: Date;
}

/** The sessions the filters keep, newest first as they come. */
export function filterRows(rows: readonly SessionRow[], opts: ListOptions): SessionRow[] {
  const agent = opts.agent?.toLowerCase();
  const since = opts.since?.getTime();
  const kept = rows.filter(
    (r) =>
      (agent === undefined || (r.agent ?? "").toLowerCase().startsWith(agent)) &&
      (since === undefined || (r.lastActivity !== undefined && Date.parse(r.lastActivity) >= since)),
  );
  return opts.max === undefined ? kept : kept.slice(0, opts.max);
}

/** The rows of one repository: its sessions found here, with what its notes say of them; and the notes cut. */
function rowsOf(
  git: GitRunner,
  found: readonly FoundSession[],
  notesOnly: boolean,
  deps: Deps,
  warn: (ref: string) => void,
): { rows: SessionRow[]; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const attached = allAttached(git, {
    onBroken: warn,
    onLeftOut: (l) => {
      leftOut.push(l);
      deps.io.err(leftOutWarning(l));
    },
  });
  const index = traceIndex(attached);
  knowTraceIds([...index.keys(), ...found.map((f) => f.ref.id)]);
  const ids = notesOnly ? [...index.keys()] : found.map((f) => f.ref.id);
  const commits = [...new Set(ids.flatMap((id) => index.get(id)?.commits ?? []))];
  return {
    rows: sessionRows({
      found,
      index,
      sources: sourcesById(attached),
      summaries: commitSummaries(git, commits),
      notesOnly,
    }),
    leftOut,
  };
}

function warner(deps: Deps): (ref: string) => void {
  const warned = new Set<string>();
  return (ref) => {
    if (warned.has(ref)) return;
    warned.add(ref);
    deps.io.err(`git-traces: warning: cannot read ${ref}; its traces are left out\n`);
  };
}

/** JSON, or text; with nothing to show, a word on a terminal and nothing in a pipe. */
function print(
  deps: Deps,
  opts: ListOptions,
  data: unknown,
  empty: boolean,
  text: (view: ListView) => string,
  none: string,
): number {
  if (opts.json) deps.io.out(`${safeJson(data, 2)}\n`);
  else if (!empty) deps.io.out(text({ paint: painter(deps.io), now: deps.now() }));
  else if (deps.io.stdoutIsTTY) deps.io.err(`${none}\n`);
  return 0;
}

async function listHere(opts: ListOptions, deps: Deps): Promise<number> {
  const state = requireRepo(deps);
  const git = deps.git();
  const worktrees = worktreePaths(git);
  const tops = worktrees.length ? worktrees : state.topLevel ? [state.topLevel] : [];
  const roots = [...new Set(tops.flatMap(worktreeRoots))];
  const found = roots.length ? await findSessions(deps.env, roots) : [];
  traceMark(`list: ${found.length} sessions found`);
  const { rows: all, leftOut } = rowsOf(git, found, true, deps, warner(deps));
  const rows = filterRows(all, opts);
  const remote = remoteUrl(git);
  const path = tops[0] ?? state.gitDir;
  const data = {
    repository: { key: remote ?? path, path, remote, git: true },
    sessions: rows,
    ...(leftOut.length ? { leftOut } : {}),
  };
  return print(
    deps,
    opts,
    data,
    !rows.length,
    (view) => renderSessions(rows, view),
    "No agent sessions found for this repository, on this machine or in its notes.",
  );
}

/**
 * Sessions by the repository of their directory: one group per repository whatever the
 * worktree, and per remote whatever the clone; sessions outside any under their directory.
 */
function groupByRepository(git: GitRunner, found: readonly FoundSession[], deps: Deps): RepositoryGroup[] {
  const byRepo = new Map<string, { topLevel: string; found: FoundSession[] }>();
  const elsewhere = new Map<string, FoundSession[]>();
  const repoOf = new Map<string, ReturnType<typeof repositoryOf>>();
  for (const f of found) {
    const cwd = f.ref.cwd ?? f.trace?.cwd ?? "";
    if (cwd && !repoOf.has(cwd)) repoOf.set(cwd, repositoryOf(git, cwd));
    const repo = cwd ? repoOf.get(cwd) : null;
    if (!repo) {
      elsewhere.set(cwd, [...(elsewhere.get(cwd) ?? []), f]);
      continue;
    }
    const group = byRepo.get(repo.commonDir) ?? { topLevel: repo.topLevel, found: [] };
    group.found.push(f);
    byRepo.set(repo.commonDir, group);
  }
  const warn = warner(deps);
  const groups = new Map<string, RepositoryGroup>();
  for (const { topLevel, found: mine } of byRepo.values()) {
    const runner = runnerFor(git, topLevel, deps.env);
    const remote = remoteUrl(runner);
    const key = remote ?? topLevel;
    const { rows, leftOut } = rowsOf(runner, mine, false, deps, warn);
    const known = groups.get(key);
    if (known) {
      known.sessions = [...known.sessions, ...rows].sort(newestFirst);
      if (leftOut.length) known.leftOut = [...(known.leftOut ?? []), ...leftOut];
    } else
      groups.set(key, {
        key,
        path: topLevel,
        remote,
        git: true,
        sessions: rows,
        ...(leftOut.length ? { leftOut } : {}),
      });
  }
  const noNotes = { index: new Map(), sources: new Map(), summaries: new Map(), notesOnly: false };
  for (const [cwd, mine] of elsewhere) {
    const key = cwd || "(unknown directory)";
    groups.set(`\0${key}`, {
      key,
      path: cwd,
      remote: null,
      git: false,
      sessions: sessionRows({ found: mine, ...noNotes }),
    });
  }
  return sortGroups([...groups.values()]);
}

async function listAll(opts: ListOptions, deps: Deps): Promise<number> {
  const git = deps.git();
  const found = await findSessions(deps.env);
  traceMark(`list --all: ${found.length} sessions found`);
  const groups = groupByRepository(git, found, deps)
    .map((g) => ({ ...g, sessions: filterRows(g.sessions, opts) }))
    .filter((g) => g.sessions.length);
  return print(
    deps,
    opts,
    { repositories: groups },
    !groups.length,
    (view) => renderGroups(groups, view),
    "No agent sessions found on this machine.",
  );
}

export function listOptions(
  args: { all?: boolean; json?: boolean; "max-count"?: string; agent?: string; since?: string },
  now: Date,
): ListOptions {
  const opts: ListOptions = { all: Boolean(args.all), json: Boolean(args.json) };
  const max = args["max-count"];
  if (max !== undefined) {
    if (!/^\d+$/.test(max)) throw new UsageError(`-n: '${max}' is not a number`, { option: "-n", value: max });
    opts.max = Number(max);
  }
  if (args.agent !== undefined) opts.agent = args.agent;
  if (args.since !== undefined) opts.since = parseSince(args.since, now);
  return opts;
}

export function runList(opts: ListOptions, deps: Deps): Promise<number> {
  return opts.all ? listAll(opts, deps) : listHere(opts, deps);
}

export default defineTracesCommand({
  meta: {
    name: "list",
    description: "List the agent sessions of this repository, newest first, with the commits each is attached to",
  },
  args: {
    all: {
      type: "boolean",
      description: "Every session on this machine, grouped by repository (remote URL, else path)",
    },
    "max-count": {
      type: "string",
      alias: "n",
      description: "At most this many sessions, newest first",
      valueHint: "n",
    },
    agent: { type: "string", description: "Only this agent's sessions (claude-code, codex, gemini-cli, ...)" },
    since: { type: "string", description: "Only sessions active since then (2026-12-01, 2.weeks)", valueHint: "date" },
    ...jsonArgs,
    ...colorArgs,
  },
  examples: [
    "git traces list",
    "git traces list -n 5 --agent codex --since 2.weeks",
    "git traces list --json | jq '.sessions[] | select(.commits == [])'",
    "git traces list --all",
  ],
  run: (ctx) => runList(listOptions(ctx.args as never, depsOf(ctx).now()), depsOf(ctx)),
});
