// `git traces note check <file|->` (hidden): checks a note against docs/notes-format.md, for
// other implementers: says exactly what is wrong, line by line.

import { readFileSync } from "node:fs";
import { MAX_NOTE_TRACES, parseNote } from "../../notes/format.ts";
import { sanitize } from "../../traces/sanitize.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError } from "../errors.ts";

export async function runNoteCheck(file: string, json: boolean, deps: Deps): Promise<number> {
  let text: string;
  try {
    text = file === "-" ? await Bun.stdin.text() : readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, "UNREADABLE");
  }
  // As the readers see it: the traces beyond what they take from one note are a problem.
  const note = parseNote(text, { maxTraces: MAX_NOTE_TRACES });
  if (json)
    deps.io.out(
      `${JSON.stringify(
        {
          valid: note.problems.length === 0,
          traces: note.traces,
          problems: note.problems,
          ...(note.leftOut ? { leftOut: note.leftOut } : {}),
        },
        null,
        2,
      )}\n`,
    );
  else {
    for (const p of note.problems) deps.io.out(`line ${p.line}: ${p.reason}\n`);
    deps.io.out(
      note.problems.length ? `${note.problems.length} problem(s)\n` : `valid: ${note.traces.length} trace(s)\n`,
    );
    for (const t of note.traces)
      deps.io.out(sanitize(`  ${t.id}${t.url ? ` ${t.url}` : ""}${t.meta ? ` (${t.meta.agent ?? "?"})` : ""}\n`));
  }
  return note.problems.length ? 1 : 0;
}

export default defineTracesCommand({
  meta: { name: "note", description: "Check a note against the notes format", hidden: true },
  subCommands: {
    check: defineTracesCommand({
      meta: { name: "check", description: "Parse a note (a file, or - for stdin) and report every problem" },
      args: { file: { type: "positional", description: "File, or - for stdin" }, ...jsonArgs },
      examples: ["git notes --ref=traces show HEAD | git traces note check -"],
      run: (ctx) => runNoteCheck(String(ctx.args.file), Boolean(ctx.args.json), depsOf(ctx)),
    }),
  },
});
