// `git traces status`: per remote, whether its notes are fetched with it, how many of our
// notes (and shared traces) it does not have yet, and when they were last synced; whether
// this repository shares trace content.

import { commonDir } from "../../git/repo.ts";
import { notesRefOid, notesTree } from "../../notes/store.ts";
import { contentCommit, contentEntries } from "../../content/content.ts";
import { contentTrackingRef } from "../../content/refs.ts";
import { shareEnabled } from "../../content/settings.ts";
import { mergePendingContent, mergePendingNotes } from "../../sync/merge.ts";
import { notesPending } from "../../sync/push.ts";
import { listRemotes, notesRefspec, remoteKey } from "../../sync/remotes.ts";
import { readSyncState } from "../../sync/state.ts";
import { relativeTime } from "../../views/list.ts";
import { colorArgs, defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { requireRepo } from "../shared/repo.ts";

export interface RemoteStatus {
  remote: string;
  configured: boolean;
  unpushed: number;
  /** Our notes it does not get: their commits are not there (as of the last fetch or push). */
  held: number;
  lastPush: string | null;
  lastMerge: string | null;
  refused: string | null;
  /** Our shared traces it does not have yet (as of the last fetch or push). */
  sharedUnpushed: number;
}

export function runStatus(json: boolean, deps: Deps): number {
  const state = requireRepo(deps);
  const git = deps.git();
  mergePendingNotes(git, state.gitDir);
  mergePendingContent(git, state.gitDir);
  const local = notesRefOid(git);
  const contentTip = contentCommit(git);
  const shared = contentTip ? contentEntries(git, contentTip) : new Map<string, string>();
  const mine = local ? notesTree(git, local) : new Map<string, string>();
  const sync = readSyncState(commonDir(state.gitDir));
  const remotes = listRemotes(git);
  const sharing = shareEnabled(git);
  const rows: RemoteStatus[] = remotes.map((r) => {
    const key = remoteKey(r.name, [r.name]);
    // Only notes of the commits it has go there (docs/sync.md): the others wait for them.
    const { pending: unpushed, held } = notesPending(git, state.gitDir, r, key);
    const st = sync.remotes[key] ?? {};
    const theirContent = contentEntries(git, contentTrackingRef(key));
    let sharedUnpushed = 0;
    for (const [id, blob] of shared) if (theirContent.get(id) !== blob) sharedUnpushed++;
    return {
      remote: r.name,
      configured: r.fetch.includes(notesRefspec(key)) || r.fetch.includes("+refs/*:refs/*"),
      unpushed,
      held,
      lastPush: st.lastPush ?? null,
      lastMerge: st.lastMerge ?? null,
      refused: st.refused?.reason ?? null,
      sharedUnpushed,
    };
  });
  if (json) {
    deps.io.out(
      `${JSON.stringify(
        { notes: mine.size, sharing: { enabled: sharing, shared: shared.size }, remotes: rows },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  deps.io.out(`${mine.size} commit${mine.size === 1 ? "" : "s"} with traces here\n`);
  deps.io.out(
    `sharing trace content: ${sharing ? "on (traces.share)" : "off"}; ` +
      `${shared.size} trace${shared.size === 1 ? "" : "s"} in refs/traces/content\n`,
  );
  if (!rows.length) deps.io.err("No remotes: notes stay in this repository until you add one.\n");
  for (const r of rows) {
    deps.io.out(
      `${r.remote}: ${
        r.configured
          ? "notes fetched with every fetch"
          : "notes not fetched yet (the next push, fetch or git traces sync sets it up)"
      }\n`,
    );
    deps.io.out(`  not pushed yet: ${r.unpushed} note${r.unpushed === 1 ? "" : "s"}\n`);
    if (r.held) deps.io.out(`  held back: ${r.held} note${r.held === 1 ? "" : "s"} of commits it does not have\n`);
    // "3 minutes ago", as git shows dates people read; --json keeps the times themselves.
    const when = (iso: string | null) => (iso ? relativeTime(iso, deps.now()) || iso : "never");
    deps.io.out(`  last push: ${when(r.lastPush)}; last merge: ${when(r.lastMerge)}\n`);
    if (r.sharedUnpushed) deps.io.out(`  shared traces not pushed yet: ${r.sharedUnpushed}\n`);
    if (r.refused) deps.io.out(`  refuses refs/notes/traces: ${r.refused} (retry: git traces sync ${r.remote})\n`);
  }
  return 0;
}

export default defineTracesCommand({
  meta: { name: "status", description: "Show, per remote, whether the notes are synced" },
  args: { ...jsonArgs, ...colorArgs },
  examples: ["git traces status", "git traces status --json"],
  run: (ctx) => runStatus(Boolean(ctx.args.json), depsOf(ctx)),
});
