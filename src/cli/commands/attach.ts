// `git traces attach <commit> [<trace-id>...]`: attach traces by hand, or run detection
// again for one commit. `git traces detach <commit> [<trace-id>...]` takes them off.

import { detectTraces, worktreeRoots, type Attachment } from "../../attach/detect.ts";
import { writeAttachments } from "../../attach/note-lines.ts";
import { findTrace } from "../../attach/find.ts";
import { commitInfo, resolveCommit } from "../../git/repo.ts";
import { parseNote, removeFromNote } from "../../notes/format.ts";
import { readNotes, updateNotes } from "../../notes/store.ts";
import { editedFiles, isTraceId } from "../../traces/model.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { requireRepo } from "../shared/repo.ts";

export interface AttachOptions {
  commit: string;
  ids: string[];
  json: boolean;
}

function commitOrFail(deps: Deps, rev: string): string {
  const oid = resolveCommit(deps.git(), rev);
  if (!oid) throw new CliError(`'${rev}' does not name a commit`, "NOT_A_COMMIT", { rev });
  return oid;
}

function checkIds(ids: readonly string[]): void {
  const bad = ids.find((id) => !isTraceId(id));
  if (bad !== undefined)
    throw new UsageError(`'${bad}' is not a trace ID (letters, digits, '-' and '_', at most 128)`, { id: bad });
}

export async function runAttach(opts: AttachOptions, deps: Deps): Promise<number> {
  checkIds(opts.ids);
  const state = requireRepo(deps);
  const git = deps.git();
  const oid = commitOrFail(deps, opts.commit);
  const [commit] = commitInfo(git, [oid]);
  if (!commit) throw new CliError(`cannot read commit ${oid}`, "NOT_A_COMMIT");
  const roots = state.topLevel ? worktreeRoots(state.topLevel) : [];
  let attachments: Attachment[];
  if (opts.ids.length) {
    attachments = [];
    for (const id of opts.ids) {
      const trace = await findTrace(id, deps.env, roots);
      if (!trace) throw new CliError(`no session with ID ${id} on this machine`, "TRACE_NOT_FOUND", { id });
      const mine = new Set(editedFiles(trace));
      attachments.push({ commit: oid, trace, files: commit.files.filter((f) => mine.has(f)).sort() });
    }
  } else {
    attachments = await detectTraces({ git, state, commits: [commit], env: deps.env });
  }
  const changed = writeAttachments(git, attachments, "git-traces: attach", [commit]);
  const rows = attachments.map((a) => ({ commit: oid, id: a.trace.id, agent: a.trace.agent, files: a.files }));
  if (opts.json)
    deps.io.out(`${JSON.stringify({ commit: oid, attached: rows, changed: changed.length > 0 }, null, 2)}\n`);
  else if (!rows.length) deps.io.err("No agent session found for this commit.\n");
  else
    for (const r of rows)
      deps.io.out(`${changed.length ? "attached" : "already attached"} ${r.agent} ${r.id} to ${oid.slice(0, 12)}\n`);
  return 0;
}

export async function runDetach(opts: AttachOptions, deps: Deps): Promise<number> {
  checkIds(opts.ids);
  requireRepo(deps);
  const git = deps.git();
  const oid = commitOrFail(deps, opts.commit);
  const note = readNotes(git, [oid]).get(oid) ?? "";
  const present = parseNote(note).traces.map((t) => t.id);
  const ids = new Set(opts.ids.length ? opts.ids : present);
  const missing = [...ids].filter((id) => !present.includes(id));
  if (missing.length && opts.ids.length)
    throw new CliError(`commit ${oid.slice(0, 12)} has no trace ${missing.join(", ")}`, "TRACE_NOT_ATTACHED", {
      ids: missing,
    });
  updateNotes(git, [oid], (_c, current) => removeFromNote(current, ids), { message: "git-traces: detach" });
  if (opts.json) deps.io.out(`${JSON.stringify({ commit: oid, detached: [...ids] }, null, 2)}\n`);
  else if (!ids.size) deps.io.err("This commit has no traces.\n");
  else for (const id of ids) deps.io.out(`detached ${id} from ${oid.slice(0, 12)}\n`);
  return 0;
}

const args = {
  commit: { type: "positional", description: "The commit", valueHint: "commit" },
  ...jsonArgs,
} as const;

function optionsOf(ctx: { args: Record<string, unknown> & { _: string[] } }): AttachOptions {
  const [commit, ...ids] = ctx.args._;
  return { commit: commit ?? "", ids, json: Boolean(ctx.args.json) };
}

export const detach = defineTracesCommand({
  meta: { name: "detach", description: "Remove traces from a commit's note (all of them without IDs)" },
  args,
  examples: ["git traces detach HEAD 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48", "git traces detach HEAD~2"],
  run: (ctx) => runDetach(optionsOf(ctx), depsOf(ctx)),
});

export default defineTracesCommand({
  meta: { name: "attach", description: "Attach traces to a commit by ID, or detect them again for that commit" },
  args,
  examples: ["git traces attach HEAD", "git traces attach HEAD~1 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48"],
  run: (ctx) => runAttach(optionsOf(ctx), depsOf(ctx)),
});
