// The history bench-read and bench-mcp time readers on: 2,000 commits, half of them with a
// note in refs/notes/traces, and a 3,000-line file (big.txt) changed by 500 of them, as one
// `git fast-import` stream.

import { rng } from "../gen-datastore.ts";

export const COMMITS = 2000;
export const BIG_LINES = 3000;
const BIG_EVERY = COMMITS / 500; // every 4th commit changes big.txt

/** The whole history, commits and notes, as one `git fast-import` stream. */
export function history(): string {
  const r = rng(7);
  const out: string[] = [];
  const big = Array.from({ length: BIG_LINES }, (_, i) => `line ${i} of the big file`);
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const agents = [
    ["claude-code", "claude-sonnet-4-5-20250929"],
    ["codex", "gpt-5-codex"],
  ] as const;
  let notes = 0;
  for (let i = 1; i <= COMMITS; i++) {
    const time = 1_763_600_000 + i * 60;
    const touchesBig = i % BIG_EVERY === 0 || i === 1;
    out.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${time} +0000\n${data(`change ${i}`)}`,
    );
    if (i > 1) out.push(`from :${i - 1}\n`);
    if (touchesBig) {
      // Rewrite a handful of lines (every version differs where it was changed).
      const edits = i === 1 ? 0 : 1 + Math.floor(r() * 12);
      for (let e = 0; e < edits; e++) big[Math.floor(r() * BIG_LINES)] = `line changed in commit ${i} (${e})`;
      out.push(`M 100644 inline big.txt\n${data(`${big.join("\n")}\n`)}`);
    }
    out.push(`M 100644 inline src/f${i % 200}.txt\n${data(`version ${i}\n`)}`);
    out.push("\n");
  }
  // Half the commits get a note: our two lines per trace.
  out.push(
    `commit refs/notes/traces\ncommitter Bench <bench@example.com> ${1_763_600_000 + COMMITS * 60 + 60} +0000\n${data("notes")}`,
  );
  for (let i = 1; i <= COMMITS; i += 2) {
    const [agent, model] = agents[i % 4 === 1 ? 0 : 1]!;
    const id = `trace-${i.toString(16).padStart(8, "0")}`;
    const files = [`src/f${i % 200}.txt`, ...(i % BIG_EVERY === 0 || i === 1 ? ["big.txt"] : [])];
    const meta = {
      v: 1,
      agent,
      model,
      title: `Work on change ${i}`,
      files,
      start: "2026-11-20T10:00:00Z",
      end: "2026-11-20T10:05:00Z",
      tools: { Edit: 2, Bash: 1 },
      // Line-level attribution: the first commit's session wrote every other block of ten
      // lines of big.txt, so blame looks up most lines by range.
      ...(i === 1
        ? {
            lines: {
              "big.txt": Array.from({ length: BIG_LINES / 20 }, (_, k) => `${20 * k + 1}-${20 * k + 10}`).join(","),
            },
          }
        : {}),
    };
    out.push(`N inline :${i}\n${data(`traces:${id}\ntraces-meta:${id} ${JSON.stringify(meta)}\n`)}`);
    notes++;
  }
  out.push("\n");
  // Not every 4th commit is odd: make sure some big.txt commits have notes.
  if (notes !== COMMITS / 2) throw new Error("note count");
  return out.join("");
}

/** A runner for the real git in `repo` that throws on failure and returns stdout. */
export type BenchGit = (args: string[], input?: string) => string;

/** Makes `repo` the history above (checked out, packed); returns a runner of git in it. */
export function buildReadRepo(realGit: string, repo: string, env: Record<string, string>): BenchGit {
  const git: BenchGit = (args, input) => {
    const p = Bun.spawnSync({
      cmd: [realGit, ...args],
      cwd: repo,
      env,
      stdin: input === undefined ? "ignore" : new Blob([input]),
      stdout: "pipe",
      stderr: "pipe",
    });
    if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
    return p.stdout.toString();
  };
  git(["init", "-q", "-b", "main"]);
  git(["fast-import", "--quiet"], history());
  git(["reset", "-q", "--hard", "main"]);
  git(["gc", "-q"]);
  return git;
}
