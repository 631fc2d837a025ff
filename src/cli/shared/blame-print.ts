// What `git traces blame` prints once git's blame is in (blame.ts starts it and loads this
// meanwhile): the notes of the blamed commits say which traces wrote which lines.

import { posix } from "node:path";
import type { blamePorcelain } from "../../git/blame.ts";
import type { GitRunner } from "../../git/runner.ts";
import { traceMark } from "../../git/trace.ts";
import { leftOutWarning, notesReader, type LeftOut } from "../../views/attached.ts";
import { notesOnDisk } from "../../views/note-cache.ts";
import { attributeBlame, blamedCommits, lineTracesOf, summarize, summarizeBlame } from "../../views/blame.ts";
import { renderJson } from "../../views/blame-json.ts";
import { PorcelainParser } from "../../views/blame-porcelain.ts";
import { annotatePorcelain, renderSummary, renderText } from "../../views/blame-render.ts";
import type { BlameOptions } from "../commands/blame.ts";
import type { Deps } from "../deps.ts";
import { knowTraceIds, painter, sanitize } from "../../views/render.ts";

/** The blamed file relative to the top of the work tree, when it can be told. */
function repoPath(file: string, prefix: string | null): string | undefined {
  if (prefix === null || file.startsWith("/")) return undefined;
  const p = posix.normalize(prefix + file);
  return p.startsWith("../") ? undefined : p;
}

export async function printBlame(
  opts: BlameOptions,
  deps: Deps,
  git: GitRunner,
  blaming: ReturnType<typeof blamePorcelain>,
  prefixed: Promise<string | null>,
): Promise<number> {
  const { io } = deps;
  // Opened while git blame works out the lines; its output is parsed as git writes it.
  const leftOut: LeftOut[] = [];
  const notes = await notesReader(git, {
    onBroken: (ref) => io.err(`warning: cannot read ${ref}; its traces are left out\n`),
    onLeftOut: (l) => {
      leftOut.push(l);
      io.err(leftOutWarning(l));
    },
    ...notesOnDisk(git, deps.env),
  });
  try {
    const porcelain = opts.format === "porcelain" || opts.format === "line-porcelain";
    const parser = new PorcelainParser();
    const kept: string[] = [];
    for await (const chunk of blaming.stdout) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
      parser.push(bytes);
      if (porcelain) kept.push(bytes);
    }
    const [status, prefix] = await Promise.all([blaming.done, prefixed]);
    const blame = parser.end();
    traceMark("blame: git blame read and parsed");
    if (status.exitCode !== 0) {
      // git's own words and status (fatal: no such path 'x' in HEAD -> 128).
      const message = sanitize(status.stderr.trim());
      io.err(message ? `${message}\n` : `git blame failed (exit ${status.exitCode})\n`);
      return status.exitCode;
    }
    if (status.stderr) io.err(sanitize(status.stderr)); // git's warnings, if any
    const attached = await notes.read(blamedCommits(blame));
    knowTraceIds([...attached.values()].flatMap((ts) => ts.map((t) => t.id)));
    const tracesOf = lineTracesOf(attached, blame.commits);
    if (porcelain) {
      io.out(annotatePorcelain(kept.join(""), tracesOf), "latin1");
      return 0;
    }
    if (opts.format === "json") {
      const lines = attributeBlame(blame, attached);
      io.out(renderJson(lines, opts.summary ? summarize(lines) : null, leftOut));
      return 0;
    }
    if (blame.lines.length === 0) {
      if (io.stderrIsTTY) io.err("No lines to blame: the file or the range is empty.\n");
      return 0;
    }
    const paint = painter(io);
    const path = opts.file === null ? undefined : repoPath(opts.file, prefix);
    io.out(
      renderText(blame, tracesOf, {
        ...opts.text,
        paint,
        terminal: io.stdoutIsTTY || io.color,
        columns: io.width,
        ...(path !== undefined ? { path } : {}),
      }),
      "latin1",
    );
    if (opts.summary) io.out(renderSummary(summarizeBlame(blame, tracesOf), paint), "latin1");
    traceMark("blame: written");
    return 0;
  } finally {
    await notes.close();
  }
}
