// `git traces share <trace-id>...`: store traces, redacted, in refs/traces/content, so that
// they go to the remote with the next push. `git traces unshare <trace-id>...` takes them
// out again from the next push on (what was pushed stays in the remote's history).
// docs/sharing.md has the whole story.

import { worktreeRoots } from "../../attach/detect.ts";
import type { RepoState } from "../../git/repo.ts";
import { contentEntries, contentRefs, updateContent } from "../../content/content.ts";
import { CONTENT_REF } from "../../content/refs.ts";
import { markUnshared } from "../../content/settings.ts";
import { mergePendingContent } from "../../sync/merge.ts";
import { localTrace } from "../../content/share.ts";
import { canonicalJson, sharedForm } from "../../content/trace-json.ts";
import { isTraceId } from "../../traces/model.ts";
import { MARKER } from "../../traces/redact.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { messages } from "../messages.ts";
import { requireRepo } from "../shared/repo.ts";

export interface ShareOptions {
  ids: string[];
  json: boolean;
}

/** IDs from the command line: at least one, each a valid trace ID, each once. */
export function traceIds(args: readonly string[], verb: string): string[] {
  const ids = args.filter((a) => a !== "");
  if (!ids.length) throw new UsageError(`missing <trace-id>: say which trace to ${verb}`);
  const bad = ids.find((id) => !isTraceId(id));
  if (bad !== undefined)
    throw new UsageError(
      `'${String(bad).slice(0, 140)}' is not a trace ID (letters, digits, '-' and '_', at most 128)`,
      { id: bad },
    );
  return [...new Set(ids)];
}

/** The remotes (their keys) whose last fetched or pushed content holds each of `ids`. */
function pushedTo(deps: Deps, ids: readonly string[]): Map<string, string[]> {
  const git = deps.git();
  const out = new Map(ids.map((id) => [id, [] as string[]]));
  for (const ref of contentRefs(git)) {
    if (ref === CONTENT_REF) continue;
    const entries = contentEntries(git, ref);
    const key = ref.slice("refs/traces/remotes/".length, -"/content".length);
    for (const id of ids) if (entries.has(id)) out.get(id)!.push(key);
  }
  return out;
}

export async function runShare(opts: ShareOptions, deps: Deps): Promise<number> {
  const state: RepoState = requireRepo(deps);
  const git = deps.git();
  // On top of what any fetch brought, so that the push that follows is a fast-forward.
  mergePendingContent(git, state.gitDir);
  const roots = state.topLevel ? worktreeRoots(state.topLevel) : [];
  const home = deps.env.HOME ?? "";
  const texts = new Map<string, string>();
  const rows: { id: string; source: string; redactions: number; changed: boolean }[] = [];
  for (const id of opts.ids) {
    const found = await localTrace(id, deps.env, roots);
    if (!found) {
      throw new CliError(
        `no transcript or snapshot of trace ${id} on this machine: only a machine that has its session can share it`,
        "TRACE_NOT_FOUND",
        { id },
      );
    }
    const text = canonicalJson(sharedForm(found.trace, home));
    texts.set(id, text);
    rows.push({
      id,
      source: found.source === "snapshot" ? "snapshot" : "transcript",
      redactions: text.match(MARKER)?.length ?? 0,
      changed: false,
    });
  }
  markUnshared(state.gitDir, opts.ids, false);
  const changed = new Set(
    updateContent(git, texts, {
      message: `git-traces: share ${opts.ids.length === 1 ? opts.ids[0] : `${opts.ids.length} traces`}`,
    }),
  );
  for (const r of rows) r.changed = changed.has(r.id);
  if (opts.json) {
    deps.io.out(`${JSON.stringify({ ref: CONTENT_REF, shared: rows }, null, 2)}\n`);
    return 0;
  }
  for (const r of rows) {
    const what = r.redactions ? `${r.redactions} value${r.redactions === 1 ? "" : "s"} redacted` : "nothing to redact";
    deps.io.out(`${r.changed ? "shared" : "already shared, unchanged:"} ${r.id} (from its ${r.source}; ${what})\n`);
  }
  messages(deps.io).info(
    `Stored in ${CONTENT_REF}; it goes to the remote with your next git push (or now: git traces sync). ` +
      "`git traces show <id> --redacted` shows exactly what is shared.",
  );
  return 0;
}

export function runUnshare(opts: ShareOptions, deps: Deps): number {
  const state = requireRepo(deps);
  const git = deps.git();
  // What any fetch brought is ours to remove too.
  mergePendingContent(git, state.gitDir);
  const removed = new Set(
    updateContent(git, new Map(opts.ids.map((id) => [id, null])), {
      message: `git-traces: unshare ${opts.ids.length === 1 ? opts.ids[0] : `${opts.ids.length} traces`}`,
    }),
  );
  // Automatic sharing (traces.share) leaves them alone from now on.
  markUnshared(state.gitDir, opts.ids, true);
  const remotes = pushedTo(deps, opts.ids);
  const rows = opts.ids.map((id) => ({ id, removed: removed.has(id), pushedTo: remotes.get(id) ?? [] }));
  if (opts.json) {
    deps.io.out(
      `${JSON.stringify(
        { ref: CONTENT_REF, unshared: rows, note: "copies already pushed stay in the remote's history" },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  for (const r of rows) {
    if (!r.removed)
      deps.io.out(`${r.id} was not shared here; nothing removed (it will not be shared automatically either)\n`);
    else
      deps.io.out(
        `unshared ${r.id}: removed from ${CONTENT_REF}` +
          `${r.pushedTo.length ? `; your next push removes it from ${r.pushedTo.join(", ")}` : ""}\n`,
      );
  }
  const say = messages(deps.io);
  if (rows.some((r) => r.pushedTo.length)) {
    say.warn(
      "Copies already pushed stay in the remote's history, and in every clone that fetched them: " +
        "unsharing stops sharing from now on, it cannot take back what was sent.",
    );
  } else if (rows.some((r) => r.removed)) {
    say.info(
      "As far as the last fetch or push knows it was not pushed yet. " +
        "Copies already pushed would stay in the remote's history.",
    );
  }
  return 0;
}

const args = {
  id: { type: "positional", description: "Trace IDs", valueHint: "trace-id", required: false },
  ...jsonArgs,
} as const;

function optionsOf(ctx: { args: Record<string, unknown> & { _: string[] } }, verb: string): ShareOptions {
  return { ids: traceIds(ctx.args._, verb), json: Boolean(ctx.args.json) };
}

export const unshare = defineTracesCommand({
  meta: {
    name: "unshare",
    description: "Stop sharing traces: remove them from refs/traces/content from the next push on",
  },
  args,
  examples: [
    "git traces unshare 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
    "git traces unshare 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48 --json",
  ],
  run: (ctx) => runUnshare(optionsOf(ctx, "unshare"), depsOf(ctx)),
});

export default defineTracesCommand({
  meta: {
    name: "share",
    description: "Share traces with collaborators: store them, redacted, in refs/traces/content, pushed with the notes",
  },
  args,
  examples: [
    "git traces show 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48 --redacted   # what would be shared",
    "git traces share 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
    "git config traces.share true   # share every attached trace from now on",
    "git traces unshare 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
  ],
  run: (ctx) => runShare(optionsOf(ctx, "share"), depsOf(ctx)),
});
