// After a commit's note is written (the commit's background worker, or GIT_TRACES_SYNC=1):
// keep a snapshot of every trace the note names, refresh the snapshots of other sessions
// that went on since, and with `traces.share` on, store the redacted content of the
// attached traces in refs/traces/content. Never throws: a failure is logged and becomes one
// deferred warning; the note is already written.

import type { Prepared } from "../attach/detect.ts";
import { worktreeRoots } from "../attach/detect.ts";
import { findTrace } from "../attach/find.ts";
import { agent } from "../agents/index.ts";
import type { CommitInfo, RepoState } from "../git/repo.ts";
import { tracesConfig } from "../git/repo.ts";
import { deferWarning } from "../base/report.ts";
import { reportFailure } from "../base/report.ts";
import type { TraceWork } from "../attach/context.ts";
import type { FoundSessions } from "../attach/commit.ts";
import { parseNote } from "../notes/format.ts";
import { readNotes } from "../notes/store.ts";
import { isTraceId, type Trace } from "../traces/model.ts";
import { contentCommit, contentEntries } from "./content.ts";
import { shareEnabled, unsharedIds } from "./settings.ts";
import { shareTraces } from "./share.ts";
import { snapshotTime, withKnown, writeSnapshot } from "./snapshots.ts";

function transcriptTime(path: string | undefined): number {
  if (!path) return 0;
  const file = Bun.file(path);
  return file.size > 0 ? file.lastModified : 0;
}

/** The whole session behind a summary read (the commit path reads summaries only). */
async function readWhole(
  summary: Trace,
  roots: readonly string[],
  env: Record<string, string | undefined>,
): Promise<Trace | null> {
  const own = agent(summary.agent);
  const read = await own?.read();
  let whole: Trace | null = null;
  // A transcript that names the session is its own file; one that does not is shared by
  // many (OpenCode's database), and reading it whole would read them all.
  if (read && summary.transcript?.includes(summary.id.slice(0, 8))) {
    try {
      whole = await read(summary.transcript, { roots, env });
    } catch {
      // A transcript that is not the session's own file (OpenCode's is its database): by ID.
    }
  }
  // Its own agent's lookup only: findTrace() would ask every agent, some of which scan their
  // whole datastore (measured: seconds with 1,000 sessions each).
  if (!whole && own && read) {
    const path = await (await own.sessions()).find(summary.id, env);
    if (path) whole = await read(path, { roots, env });
  }
  return whole && withKnown(whole, summary);
}

export interface KeptTraces {
  /** Snapshots written (new or changed). */
  snapshots: string[];
  /** Traces whose shared content changed. */
  shared: string[];
}

/**
 * `background`: running in the commit's worker, whose warnings wait for the next command
 * (in the foreground, GIT_TRACES_SYNC=1, the warning is printed at once).
 */
export async function keepTraces(
  ctx: TraceWork,
  state: Pick<RepoState, "gitDir" | "topLevel">,
  prepared: Prepared,
  made: CommitInfo,
  background: boolean,
): Promise<KeptTraces> {
  const kept: KeptTraces = { snapshots: [], shared: [] };
  try {
    const { git, env } = ctx;
    const roots = state.topLevel ? worktreeRoots(state.topLevel) : [];
    const note = readNotes(git, [made.oid]).get(made.oid) ?? "";
    const attached = new Set(
      parseNote(note)
        .traces.map((t) => t.id)
        .filter(isTraceId),
    );
    const read = new Map(prepared.traces.map((t) => [t.id, t]));
    const whole = new Map<string, Trace>();
    const problems: string[] = [];
    const keep = async (id: string, load: () => Promise<Trace | null>) => {
      try {
        const trace = await load();
        if (!trace) return;
        whole.set(id, trace);
        if (writeSnapshot(env, trace, "transcript")) kept.snapshots.push(id);
      } catch (e) {
        problems.push(`${id}: ${(e as Error).message.split("\n")[0]}`);
      }
    };
    // Every trace of this commit; one carried over from another commit (a squash) is looked up.
    for (const id of attached)
      await keep(id, () => (read.has(id) ? readWhole(read.get(id)!, roots, env) : findTrace(id, env, roots)));
    // A session seen again that has a snapshot: refreshed when its transcript changed since.
    const refreshed: string[] = [];
    for (const t of prepared.traces) {
      if (attached.has(t.id)) continue;
      const saved = snapshotTime(env, t.id);
      if (saved === 0 || transcriptTime(t.transcript) <= saved) continue;
      await keep(t.id, () => readWhole(t, roots, env));
      if (whole.has(t.id)) refreshed.push(t.id);
    }
    const config = tracesConfig(git);
    if (shareEnabled(git, config) && whole.size) {
      const unshared = unsharedIds(state.gitDir);
      // Attached traces, and refreshed ones already shared here, unless taken back.
      const tip = refreshed.length ? contentCommit(git) : null;
      const shared = tip ? contentEntries(git, tip) : new Map<string, string>();
      const ids = [...attached, ...refreshed.filter((id) => shared.has(id))].filter(
        (id) => whole.has(id) && !unshared.has(id),
      );
      kept.shared = shareTraces(
        git,
        ids.map((id) => whole.get(id)!),
        env.HOME ?? "",
        {
          message: `git-traces: share traces of ${made.oid.slice(0, 12)}`,
          ident: `${made.committerName} <${made.committerEmail}>`,
        },
      );
    }
    if (problems.length)
      throw new Error(
        `could not read ${problems.length === 1 ? "a session" : `${problems.length} sessions`} (${problems[0]})`,
      );
  } catch (e) {
    reportFailure(state.gitDir, "commit", "keeping the traces' content failed", e);
    if (background)
      deferWarning(
        ctx.env,
        `keeping the content of the traces of commit ${made.oid.slice(0, 12)} failed: ` +
          `${(e as Error).message.split("\n")[0]} (git traces logs)`,
      );
  }
  return kept;
}

/** After the note: snapshots, and shared content when `traces.share` is on. */
export async function keepCommitTraces(
  ctx: TraceWork,
  found: FoundSessions | null,
  made: CommitInfo | null,
  background: boolean,
): Promise<void> {
  if (!found?.prepared || !made) return;
  await keepTraces(ctx, found.state, found.prepared, made, background);
}
