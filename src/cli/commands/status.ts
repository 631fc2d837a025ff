// `git traces status`: per remote, whether its notes are fetched with it, how many of our
// notes it does not have yet, and when they were last synced.

import { commonDir } from "../../git/repo.ts";
import { notesRefOid, notesTree } from "../../notes/store.ts";
import { mergePendingNotes } from "../../sync/merge.ts";
import { listRemotes, notesRefspec, remoteKey, trackingRef } from "../../sync/remotes.ts";
import { readSyncState } from "../../sync/state.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { requireRepo } from "../shared/repo.ts";

export interface RemoteStatus {
  remote: string;
  configured: boolean;
  unpushed: number;
  lastPush: string | null;
  lastMerge: string | null;
  refused: string | null;
}

export function runStatus(json: boolean, deps: Deps): number {
  const state = requireRepo(deps);
  const git = deps.git();
  mergePendingNotes(git, state.gitDir);
  const local = notesRefOid(git);
  const mine = local ? notesTree(git, local) : new Map<string, string>();
  const sync = readSyncState(commonDir(state.gitDir));
  const remotes = listRemotes(git);
  const rows: RemoteStatus[] = remotes.map((r) => {
    const key = remoteKey(r.name, [r.name]);
    const tracked = notesRefOid(git, trackingRef(key));
    const theirs = tracked ? notesTree(git, tracked) : new Map<string, string>();
    let unpushed = 0;
    for (const [commit, blob] of mine) if (theirs.get(commit) !== blob) unpushed++;
    const st = sync.remotes[key] ?? {};
    return {
      remote: r.name,
      configured: r.fetch.includes(notesRefspec(key)) || r.fetch.includes("+refs/*:refs/*"),
      unpushed,
      lastPush: st.lastPush ?? null,
      lastMerge: st.lastMerge ?? null,
      refused: st.refused?.reason ?? null,
    };
  });
  if (json) {
    deps.io.out(`${JSON.stringify({ notes: mine.size, remotes: rows }, null, 2)}\n`);
    return 0;
  }
  deps.io.out(`${mine.size} commit${mine.size === 1 ? "" : "s"} with traces here\n`);
  if (!rows.length) deps.io.err("No remotes: notes stay in this repository until you add one.\n");
  for (const r of rows) {
    deps.io.out(`${r.remote}: ${r.configured ? "notes fetched with every fetch" : "notes not fetched yet (the next push, fetch or git traces sync sets it up)"}\n`);
    deps.io.out(`  not pushed yet: ${r.unpushed} note${r.unpushed === 1 ? "" : "s"}\n`);
    deps.io.out(`  last push: ${r.lastPush ?? "never"}; last merge: ${r.lastMerge ?? "never"}\n`);
    if (r.refused) deps.io.out(`  refuses refs/notes/traces: ${r.refused} (retry: git traces sync ${r.remote})\n`);
  }
  return 0;
}

export default defineTracesCommand({
  meta: { name: "status", description: "Show, per remote, whether the notes are synced" },
  args: { ...jsonArgs },
  examples: ["git traces status", "git traces status --json"],
  run: (ctx) => runStatus(Boolean(ctx.args.json), depsOf(ctx)),
});
