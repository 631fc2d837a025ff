// bun run scripts/bench-lines.ts [--rounds N]
//
// What line-level attribution adds to the note write in the background worker: the time of
// attach/lines.ts commitLines() for a commit that adds 2,000 lines (target: at most 30 ms).
// Two cases: the commit is exactly what the session wrote (no replay diff needed), and the
// person changed every 40th line afterwards (git diffs the replay against the commit). The
// session wrote the lines as one Write and 200 Edits on top, so the replay does real work.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { commitLines } from "../src/attach/lines.ts";
import { commitInfo } from "../src/git/repo.ts";
import { GitRunner } from "../src/git/runner.ts";
import { emptyTokens, type FileWrite, type Trace } from "../src/traces/model.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "21" } } });
const rounds = Math.max(3, Number(values.rounds) || 21);
const LINES = 2000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function run(personEdits: boolean): number {
  const repo = mkdtempSync(join(tmpdir(), "bench-lines-"));
  try {
    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: repo,
      GIT_AUTHOR_NAME: "A",
      GIT_AUTHOR_EMAIL: "a@example.com",
      GIT_COMMITTER_NAME: "A",
      GIT_COMMITTER_EMAIL: "a@example.com",
      GIT_AUTHOR_DATE: "2026-11-20T09:00:00Z",
      GIT_COMMITTER_DATE: "2026-11-20T09:00:00Z",
    };
    const git = new GitRunner({ git: "git", cwd: repo, env });
    git.out(["init", "-q", "-b", "main"]);
    writeFileSync(join(repo, "README.md"), "# bench\n");
    git.out(["add", "-A"]);
    git.out(["commit", "-q", "-m", "base"]);
    const first = Array.from({ length: LINES }, (_, i) => `    value_${i} = compute(${i}, "first draft")\n`);
    const writes: FileWrite[] = [
      { path: "src/big.py", at: "2026-11-20T10:00:00.000Z", op: "write", content: first.join("") },
    ];
    const final = [...first];
    for (let k = 0; k < 200; k++) {
      const i = k * 10;
      const now = `    value_${i} = compute(${i}, "revised")\n`;
      writes.push({
        path: "src/big.py",
        at: `2026-11-20T10:00:${String(1 + (k % 58)).padStart(2, "0")}.000Z`,
        op: "replace",
        old: final[i]!,
        new: now,
      });
      final[i] = now;
    }
    if (personEdits) for (let i = 5; i < LINES; i += 40) final[i] = `    value_${i} = 0  # by hand\n`;
    mkdirSync(join(repo, "src"));
    writeFileSync(join(repo, "src", "big.py"), final.join(""));
    git.out(["add", "-A"]);
    git.run(["commit", "-q", "-m", "big"], {
      env: { GIT_AUTHOR_DATE: "2026-11-20T10:01:00Z", GIT_COMMITTER_DATE: "2026-11-20T10:01:00Z" },
    });
    const [commit] = commitInfo(git, [git.out(["rev-parse", "HEAD"]).trim()]);
    const trace: Trace = {
      id: "bench-session",
      agent: "claude-code",
      models: [],
      title: "",
      tools: [],
      messages: [],
      tokens: emptyTokens(),
      writes,
    };
    const sessions = [{ commit: commit!.oid, trace, files: ["src/big.py"] }];
    const times: number[] = [];
    let ranges = "";
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      ranges = commitLines(git, commit!, sessions).get("bench-session")?.["src/big.py"] ?? "(none)";
      times.push(performance.now() - t0);
    }
    const owned = ranges.split(",").reduce((n, part) => {
      const [a, b] = part.split("-").map(Number);
      return n + ((b ?? a!) - a! + 1);
    }, 0);
    console.log(
      `${personEdits ? "person changed 50 lines" : "as the session wrote it"}: ` +
        `median ${median(times).toFixed(1)} ms over ${rounds} runs (${owned} of ${LINES} lines the session's)`,
    );
    return median(times);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

const a = run(false);
const b = run(true);
console.log(`line ranges for a ${LINES}-line diff: at most ${Math.max(a, b).toFixed(1)} ms (target: 30 ms)`);
