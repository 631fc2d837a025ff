// `git traces import <trace-id>...`: copy traces a collaborator shared (refs/traces/content,
// ours or a remote's as fetched) into this machine's snapshot store, so that they stay here
// and `git traces show <id> --markdown` can hand them to an agent as context.

import { findTrace } from "../../attach/find.ts";
import { worktreeRoots } from "../../attach/detect.ts";
import { clipLine } from "../../traces/text.ts";
import { readShared } from "../../content/share.ts";
import { mergePendingContent } from "../../sync/merge.ts";
import { readSnapshot, snapshotFile, writeSnapshot } from "../../content/snapshots.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError } from "../errors.ts";
import { requireRepo } from "../shared/repo.ts";
import { traceIds } from "./share.ts";

export interface ImportOptions {
  ids: string[];
  json: boolean;
}

type Outcome = { id: string; status: "imported" | "unchanged" | "here"; from: string; file: string | null };

export async function runImport(opts: ImportOptions, deps: Deps): Promise<number> {
  const state = requireRepo(deps);
  const git = deps.git();
  const roots = state.topLevel ? worktreeRoots(state.topLevel) : [];
  mergePendingContent(git, state.gitDir);
  const invalid = new Map<string, string>();
  const shared = readShared(git, opts.ids, undefined, (id, ref, error) => invalid.set(id, `${ref}: ${error}`));
  const rows: Outcome[] = [];
  for (const id of opts.ids) {
    // This machine's own copy is whole and unredacted: nothing shared replaces it.
    if (await findTrace(id, deps.env, roots).catch(() => null)) {
      rows.push({ id, status: "here", from: "transcript", file: null });
      continue;
    }
    const snap = readSnapshot(deps.env, id);
    if (snap?.source === "transcript") {
      rows.push({ id, status: "here", from: "snapshot", file: snapshotFile(deps.env, id) });
      continue;
    }
    const found = shared.get(id);
    if (!found && invalid.has(id)) {
      throw new CliError(
        `the shared content of trace ${id} is not a valid trace (${clipLine(invalid.get(id)!, 300)}); nothing imported`,
        "SHARED_CONTENT_INVALID",
        { id },
      );
    }
    if (!found) {
      throw new CliError(
        `no shared content for trace ${id} here: ` +
          `fetch first (git fetch), or ask its author to run git traces share ${id}`,
        "TRACE_NOT_SHARED",
        { id },
      );
    }
    // An earlier import of a newer version stays.
    const older = snap && Date.parse(snap.trace.end ?? "") > Date.parse(found.trace.end ?? "");
    const wrote = !older && writeSnapshot(deps.env, found.trace, "shared");
    rows.push({ id, status: wrote ? "imported" : "unchanged", from: found.ref, file: snapshotFile(deps.env, id) });
  }
  if (opts.json) {
    deps.io.out(`${JSON.stringify({ imported: rows }, null, 2)}\n`);
    return 0;
  }
  for (const r of rows) {
    if (r.status === "here") deps.io.out(`${r.id} is on this machine already (its ${r.from}); nothing to import\n`);
    else
      deps.io.out(
        `${r.status === "imported" ? "imported" : "already imported, unchanged:"} ` +
          `${r.id} from ${r.from} (redacted) into ${r.file}\n`,
      );
  }
  if (rows.some((r) => r.status !== "here"))
    deps.io.err("`git traces show <id> --markdown` prints it for an agent's context.\n");
  return 0;
}

export default defineTracesCommand({
  meta: {
    name: "import",
    description: "Keep traces others shared on this machine, to read them or hand them to an agent",
  },
  args: {
    id: { type: "positional", description: "Trace IDs", valueHint: "trace-id", required: false },
    ...jsonArgs,
  },
  examples: [
    "git traces import 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
    "git traces import 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48 && " +
      "git traces show 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48 --markdown > context.md",
  ],
  run: (ctx) => runImport({ ids: traceIds(ctx.args._, "import"), json: Boolean(ctx.args.json) }, depsOf(ctx)),
});
