// `git traces sync [<remote>]`: fetch the remote's notes and shared traces, merge them, push
// ours, now, in the foreground. `--remove-config` undoes the refspecs git-traces added.

import { configSetLocal } from "../../git/config.ts";
import type { MergeResult } from "../../git/refs.ts";
import { commonDir } from "../../git/repo.ts";
import { NotesRefCorrupt, NotesTreeInvalid } from "../../notes/store.ts";
import { brokenNotesWarning, mergeFetchedContent, mergeFetchedNotes } from "../../sync/merge.ts";
import { fetchNotes, pushNotes } from "../../sync/push.ts";
import {
  defaultPushRemote,
  ensureNotesRefspecs,
  listRemotes,
  removeNotesRefspecs,
  remoteKey,
} from "../../sync/remotes.ts";
import { forgetConfigured, remoteState, updateSyncState } from "../../sync/state.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError } from "../errors.ts";
import { messages } from "../messages.ts";
import { requireRepo } from "../shared/repo.ts";

export interface SyncOptions {
  remote?: string;
  removeConfig: boolean;
  json: boolean;
}

export function runSync(opts: SyncOptions, deps: Deps): number {
  const state = requireRepo(deps);
  const git = deps.git();
  const remotes = listRemotes(git);
  const say = messages(deps.io);
  if (opts.removeConfig) {
    const chosen = opts.remote ? remotes.filter((r) => r.name === opts.remote) : remotes;
    const removed = removeNotesRefspecs(git, chosen);
    // Without this the next fetch through the shim would add the refspecs back.
    if (!opts.remote) configSetLocal(git, "traces.sync", "false");
    forgetConfigured(commonDir(state.gitDir));
    if (opts.json) deps.io.out(`${JSON.stringify({ removed, autoSync: opts.remote ? undefined : false }, null, 2)}\n`);
    else {
      if (!removed.length) say.info("No notes refspec to remove.");
      for (const r of removed)
        deps.io.out(
          `${r}: removed the notes and shared traces refspecs, ` +
            `refs/notes/remotes/${r}/traces and refs/traces/remotes/${r}/content\n`,
        );
      if (!opts.remote)
        say.info(
          "Notes are no longer synced on their own here (traces.sync=false); " +
            "`git config --unset traces.sync` turns it back on.",
        );
    }
    return 0;
  }
  const remote = opts.remote ?? defaultPushRemote(git, remotes);
  if (!remote) throw new CliError("no remote to sync with; name one: git traces sync <remote>", "NO_REMOTE");
  const names = remotes.map((r) => r.name);
  const key = remoteKey(remote, names);
  if (names.includes(remote))
    ensureNotesRefspecs(
      git,
      remotes.filter((r) => r.name === remote),
    );
  const fetched = fetchNotes(git, remote, key);
  if (!fetched.ok)
    throw new CliError(`could not fetch notes from ${remote}: ${fetched.detail}`, "FETCH_FAILED", { remote });
  let merged: MergeResult | "left out" | undefined;
  try {
    merged = mergeFetchedNotes(git, state.gitDir, [key]).get(key);
  } catch (e) {
    // Theirs stays out of ours; the push below still goes (and leaves out what is not notes).
    if (!(e instanceof NotesRefCorrupt) && !(e instanceof NotesTreeInvalid)) throw e;
    merged = "left out";
    say.warn(brokenNotesWarning(key, e));
  }
  const sharedMerged = mergeFetchedContent(git, state.gitDir, [key]).get(key);
  // An explicit sync tries a remote that refused before once more.
  updateSyncState(commonDir(state.gitDir), (s) => {
    delete remoteState(s, key).refused;
    delete remoteState(s, key).contentRefused;
  });
  const pushed = pushNotes(git, state.gitDir, remote, key, { remotes });
  const content = pushed.content;
  const ok = (o?: { status: string }) => !o || o.status === "pushed" || o.status === "up-to-date";
  if (opts.json) {
    const shared = content
      ? { merged: sharedMerged ?? "up-to-date", pushed: content.status, detail: content.detail ?? null }
      : { merged: sharedMerged ?? "up-to-date", pushed: null, detail: null };
    deps.io.out(
      `${JSON.stringify(
        { remote, merged, pushed: pushed.status, detail: pushed.detail ?? null, held: pushed.held ?? 0, shared },
        null,
        2,
      )}\n`,
    );
  } else {
    const theirs =
      merged === "up-to-date"
        ? "no new notes"
        : merged === "left out"
          ? "its notes left out"
          : `notes merged (${merged})`;
    const ours =
      pushed.status === "pushed"
        ? "our notes pushed"
        : pushed.status === "up-to-date"
          ? pushed.held
            ? "it has our notes of its commits"
            : "it has all our notes"
          : `push ${pushed.status}: ${pushed.detail}`;
    const held = pushed.held
      ? `; ${pushed.held} note${pushed.held === 1 ? "" : "s"} of commits it does not have ` +
        `stay${pushed.held === 1 ? "s" : ""} here until those commits are pushed there`
      : "";
    deps.io.out(`${remote}: ${theirs}; ${ours}${held}\n`);
    if (sharedMerged && sharedMerged !== "up-to-date")
      deps.io.out(`${remote}: shared traces merged (${sharedMerged})\n`);
    if (content)
      deps.io.out(
        `${remote}: ${
          content.status === "pushed"
            ? "our shared traces pushed"
            : content.status === "up-to-date"
              ? "it has all our shared traces"
              : `shared traces push ${content.status}: ${content.detail}`
        }\n`,
      );
  }
  return ok(pushed) && ok(content) ? 0 : 1;
}

export default defineTracesCommand({
  meta: { name: "sync", description: "Fetch, merge and push the notes with a remote, now" },
  args: {
    remote: { type: "positional", description: "Remote name or URL (default: where git push goes)", required: false },
    "remove-config": {
      type: "boolean",
      description: "Remove the notes fetch refspecs git-traces added (all remotes, or the one named)",
    },
    ...jsonArgs,
  },
  examples: ["git traces sync", "git traces sync upstream", "git traces sync --remove-config"],
  run: (ctx) =>
    runSync(
      {
        ...(ctx.args.remote ? { remote: String(ctx.args.remote) } : {}),
        removeConfig: Boolean(ctx.args["remove-config"]),
        json: Boolean(ctx.args.json),
      },
      depsOf(ctx),
    ),
});
