// `git traces show <commit | trace-id | unique ID prefix>`: a whole session, readable.
//
// The argument is, in this order: a trace ID, or a unique prefix of at least 4 characters,
// among the traces the notes name (every source); a commit (every trace of it is shown); a
// session on this machine that no note names (exact ID). IDs are checked before they come
// near a path or a git call; nothing from a note is run.
//
// A trace's content comes from its transcript here, else its snapshot, else content shared
// through git (docs/sharing.md); else only what the notes say is shown.

import { worktreeRoots } from "../../attach/detect.ts";
import { repoState, resolveCommit, type RepoState } from "../../git/repo.ts";
import { abbrevCommits, commitStamps } from "../../git/revisions.ts";
import {
  allAttached,
  leftOutWarning,
  matchTraceId,
  traceIndex,
  type AttachedTrace,
  type LeftOut,
  type TraceUse,
} from "../../views/attached.ts";
import type { ShowOutput } from "../../views/schemas.ts";
import { localSessions } from "../../views/sessions.ts";
import { renderTraceMarkdown, renderTraceText } from "../../views/show-render.ts";
import { clipLine } from "../../traces/text.ts";
import { linesWritten, noteForJson, type CommitRef, type TraceView } from "../../views/view.ts";
import { isTraceId } from "../../traces/model.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { formatArgs, outputFormat, type OutputFormat } from "../shared/format.ts";
import { agentLabel, knowCommitAbbrevs, knowTraceIds, painter, shortCommit, shortId } from "../../views/render.ts";

export interface ShowOptions {
  target: string;
  format: OutputFormat;
  /** Whole messages and commands instead of cut ones (text and Markdown). */
  full: boolean;
  /** Show the trace as sharing would store it: redacted (src/content/trace-json.ts sharedForm). */
  redacted: boolean;
}

interface Resolved {
  resolvedAs: "trace" | "commit";
  commit: string | null;
  uses: { id: string; use?: TraceUse }[];
}

const MIN_PREFIX = 4;

function ambiguous(target: string, matches: TraceUse[], alsoCommit: boolean): CliError {
  const shown = matches
    .slice(0, 20)
    .map((u) => `  ${u.trace.id}  ${agentLabel(u.trace)}${u.trace.title ? `  ${clipLine(u.trace.title, 80)}` : ""}`);
  if (matches.length > shown.length) shown.push(`  … and ${matches.length - shown.length} more`);
  const hint = alsoCommit ? `\n(it is also a commit: '${clipLine(target)}^{commit}' shows that)` : "";
  return new CliError(
    `trace ID prefix '${clipLine(target)}' is ambiguous; ` +
      `it starts ${matches.length} trace IDs:\n${shown.join("\n")}${hint}`,
    "AMBIGUOUS_TRACE_ID",
    {
      prefix: target,
      candidates: matches.map((u) => u.trace.id),
    },
  );
}

async function resolve(
  opts: ShowOptions,
  deps: Deps,
  state: RepoState | null,
  index: Map<string, TraceUse>,
  attachedOf: (oid: string) => string[],
): Promise<Resolved> {
  const { target } = opts;
  const git = deps.git();
  const isId = isTraceId(target);
  if (state && isId) {
    const matches = matchTraceId(index, target);
    if (matches.length > 1) throw ambiguous(target, matches, resolveCommit(git, target) !== null);
    const [use] = matches;
    if (use) {
      if (use.trace.id !== target && resolveCommit(git, target)) {
        deps.io.err(
          `warning: '${clipLine(target)}' starts a trace ID and names a commit; ` +
            `showing the trace ('${clipLine(target)}^{commit}' shows the commit)\n`,
        );
      }
      return { resolvedAs: "trace", commit: null, uses: [{ id: use.trace.id, use }] };
    }
  }
  const oid = state ? resolveCommit(git, target) : null;
  if (oid)
    return {
      resolvedAs: "commit",
      commit: oid,
      uses: attachedOf(oid).map((id) => ({ id, ...(index.has(id) ? { use: index.get(id)! } : {}) })),
    };
  // A session on this machine that no note names yet: by its exact ID only.
  if (isId) return { resolvedAs: "trace", commit: null, uses: [{ id: target }] };
  throw unknown(target, state);
}

function unknown(target: string, state: RepoState | null): CliError {
  const what = `'${clipLine(target)}'`;
  const data = { target };
  if (!state)
    return new CliError(
      `no trace on this machine has the ID ${what}, ` +
        "and this is not a git repository to look for commits or notes in (run inside one or pass -C <dir>)",
      "UNKNOWN_TARGET",
      data,
    );
  const why = !isTraceId(target)
    ? " (it is not a valid trace ID either)"
    : target.length < MIN_PREFIX
      ? ` (a trace ID prefix needs at least ${MIN_PREFIX} characters)`
      : "";
  const empty = state.head === null ? "; this repository has no commits yet" : "";
  return new CliError(`no trace or commit named ${what}${why}${empty}`, "UNKNOWN_TARGET", data);
}

export async function runShow(opts: ShowOptions, deps: Deps): Promise<number> {
  const git = deps.git();
  const state = repoState(git);
  const leftOut: LeftOut[] = [];
  const attached = state
    ? allAttached(git, {
        onBroken: (ref) => deps.io.err(`warning: cannot read ${ref}; the traces it names are left out\n`),
        onLeftOut: (l) => leftOut.push(l),
      })
    : new Map<string, AttachedTrace[]>();
  // Told when it can matter: the note of the commit shown, or any note when a trace is looked for.
  const told = (r: Resolved) => leftOut.filter((l) => r.resolvedAs === "trace" || l.commit === r.commit);
  const index = traceIndex(attached);
  knowTraceIds(index.keys());
  let resolved: Resolved;
  try {
    resolved = await resolve(opts, deps, state, index, (oid) => [
      ...new Set((attached.get(oid) ?? []).map((t) => t.id)),
    ]);
  } catch (e) {
    // An ID not found may be among the traces a note named beyond what is read.
    for (const l of leftOut) deps.io.err(leftOutWarning(l));
    throw e;
  }
  const cut = told(resolved);
  for (const l of cut) deps.io.err(leftOutWarning(l));

  const roots = state?.topLevel ? worktreeRoots(state.topLevel) : [];
  // Transcript, else snapshot, else shared content; snapshots of traces the notes name are
  // refreshed from their transcripts while the session goes on.
  const sessions = await localSessions(
    resolved.uses.map((u) => u.id),
    deps.env,
    roots,
    { elsewhere: { git: state ? git : null }, refresh: new Set(resolved.uses.filter((u) => u.use).map((u) => u.id)) },
  );
  const { sharedForm } = opts.redacted ? await import("../../content/trace-json.ts") : { sharedForm: null };
  // An ID that no note names, no commit answers to, and no session here has.
  const only = resolved.uses[0];
  if (resolved.resolvedAs === "trace" && only && !only.use) {
    const local = sessions.get(only.id);
    if (!local?.trace && !local?.error) throw unknown(opts.target, state);
  }

  const oids = [...new Set(resolved.uses.flatMap((u) => u.use?.commits ?? []))];
  const commitInfo = new Map((state ? commitStamps(git, oids) : []).map((c) => [c.oid, c]));
  if (state) knowCommitAbbrevs(abbrevCommits(git, [...oids, ...(resolved.commit ? [resolved.commit] : [])]));
  const views: TraceView[] = resolved.uses.map(({ id, use }) => {
    const local = sessions.get(id) ?? {};
    const commits: CommitRef[] = (use?.commits ?? [])
      .map((oid) => ({
        oid,
        subject: commitInfo.get(oid)?.subject ?? "",
        time: Date.parse(commitInfo.get(oid)?.date ?? "") || 0,
      }))
      .sort((a, b) => a.time - b.time)
      .map(({ oid, subject }) => ({ oid, subject }));
    const written = linesWritten(commits, use?.lines);
    // The edit payloads served the notes' line ranges; show prints the session.
    const session = local.trace ? (({ writes: _payloads, ...rest }) => rest)(local.trace) : undefined;
    return {
      id,
      commits,
      ...(use ? { note: use.trace } : {}),
      ...(written.length ? { lines: written } : {}),
      ...(session ? { trace: sharedForm ? sharedForm(session, deps.env.HOME ?? "") : session } : {}),
      ...(local.trace && local.source && local.source !== "transcript" ? { source: local.source } : {}),
      ...(local.trace && local.from && local.source !== "transcript" ? { from: local.from } : {}),
      ...(local.trace && opts.redacted ? { redacted: true } : {}),
      ...(local.error && !local.trace ? { unreadable: local.error } : {}),
      ...(local.sharedError && !local.trace ? { sharedError: local.sharedError } : {}),
    };
  });

  if (opts.format === "json") {
    const out: ShowOutput = {
      query: opts.target,
      resolvedAs: resolved.resolvedAs,
      commit: resolved.commit,
      redacted: opts.redacted,
      traces: views.map((v) => ({
        id: v.id,
        available: Boolean(v.trace),
        source: v.trace ? (v.source ?? "transcript") : null,
        commits: v.commits,
        note: v.note ? noteForJson(v.note) : null,
        lines: v.lines ?? [],
        trace: v.trace ?? null,
        unreadable: v.unreadable ?? (v.sharedError ? `shared content is not a valid trace: ${v.sharedError}` : null),
      })),
      ...(cut.length ? { leftOut: cut } : {}),
    };
    deps.io.out(`${safeJson(out, 2)}\n`);
    return 0;
  }
  if (!views.length) {
    deps.io.err(`Commit ${shortCommit(resolved.commit!)} has no traces.\n`);
    return 0;
  }
  const render =
    opts.format === "markdown"
      ? (v: TraceView) => renderTraceMarkdown(v, opts)
      : (v: TraceView) => renderTraceText(v, opts, painter(deps.io));
  deps.io.out(views.map(render).join(opts.format === "markdown" ? "\n---\n\n" : "\n"));
  if (resolved.resolvedAs === "commit" && views.length > 1 && deps.io.stderrIsTTY)
    deps.io.err(
      `${views.length} traces on commit ${shortCommit(resolved.commit!)}: ` +
        `${views.map((v) => shortId(v.id)).join(", ")}\n`,
    );
  return 0;
}

export function showOptions(args: {
  _: string[];
  markdown?: boolean;
  json?: boolean;
  full?: boolean;
  redacted?: boolean;
}): ShowOptions {
  const [target, ...extra] = args._;
  if (target === undefined || target === "")
    throw new UsageError("missing <commit | trace-id>: say which trace or commit to show");
  if (extra.length) throw new UsageError(`one commit or trace at a time; unexpected '${clipLine(extra[0]!)}'`);
  return { target, format: outputFormat(args), full: Boolean(args.full), redacted: Boolean(args.redacted) };
}

export default defineTracesCommand({
  meta: {
    name: "show",
    description: "Show a whole agent session by trace ID, unique ID prefix or commit",
  },
  args: {
    target: {
      type: "positional",
      description: "A trace ID, a unique prefix of one, or a commit",
      valueHint: "commit | trace-id",
      required: false,
    },
    full: {
      type: "boolean",
      description: "Print long replies, prompts, commands and lists whole instead of cutting them",
    },
    redacted: { type: "boolean", description: "Show the trace redacted, exactly as `git traces share` would store it" },
    ...formatArgs,
  },
  examples: [
    "git traces show HEAD",
    "git traces show 3f6c1d2e",
    "git traces show 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48 --full",
    "git traces show HEAD~2 --markdown > session.md",
    "git traces show HEAD --json | jq '.traces[].trace.tools'",
    "git traces show 3f6c1d2e --redacted",
  ],
  run: (ctx) => runShow(showOptions(ctx.args as never), depsOf(ctx)),
});
