// bun run scripts/bench-mcp.ts [--rounds N] [--repeat N] [--max-wait SECONDS]
//
// `git traces mcp`'s traces_blame on bench-read's repository (2,000 commits, 1,000 notes,
// big.txt: 3,000 lines changed by 500 commits), against `git blame --porcelain big.txt`.
// Each round starts a server with the MCP SDK's client over stdio, times its first
// traces_blame of the whole file (the notes are read then) and `--repeat` more (notes and
// sessions in memory), then one git blame. Target: the first call at most 1.3x git blame,
// repeated calls faster. Timed from the request to the answer: the server's start-up and
// the protocol's handshake are told apart.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { benchEnv, fmt, median, ratio, realGit, shimBinary, table, waitForCalm } from "./lib/bench.ts";
import { BIG_LINES, buildReadRepo } from "./lib/read-history.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    repeat: { type: "string", default: "5" },
    "max-wait": { type: "string", default: "180" },
  },
});
const rounds = Number(values.rounds);
const repeat = Number(values.repeat);
const REAL_GIT = realGit();
const root = new URL("..", import.meta.url).pathname;
const binary = await shimBinary(root);

const dir = mkdtempSync(join(tmpdir(), "git-traces-bench-mcp-"));
try {
  const home = join(dir, "home");
  const repo = join(dir, "repo");
  mkdirSync(home);
  mkdirSync(repo);
  const env = benchEnv(home);
  buildReadRepo(REAL_GIT, repo, env);
  console.log(`bench-mcp: big.txt ${BIG_LINES} lines; ${rounds} rounds, medians; git ${REAL_GIT}, bun ${Bun.version}`);
  console.log(await waitForCalm(1.0, Number(values["max-wait"]) * 1000));

  const args = { path: "big.txt", start: 1, end: BIG_LINES };
  const gitBlame = () => {
    const t = performance.now();
    const p = Bun.spawnSync({ cmd: [REAL_GIT, "blame", "--porcelain", "big.txt"], cwd: repo, env, stdout: "pipe" });
    if (p.exitCode !== 0) throw new Error("git blame failed");
    return performance.now() - t;
  };
  const samples = { start: [] as number[], first: [] as number[], repeated: [] as number[], git: [] as number[] };
  for (let round = -2; round < rounds; round++) {
    const t0 = performance.now();
    const client = new Client({ name: "bench", version: "1" });
    await client.connect(new StdioClientTransport({ command: binary, args: ["mcp"], cwd: repo, env }));
    const started = performance.now() - t0;
    const call = async () => {
      const t = performance.now();
      const r = (await client.callTool({ name: "traces_blame", arguments: args })) as {
        content: { text: string }[];
        isError?: boolean;
      };
      if (r.isError || !r.content[0]?.text.includes("written by session"))
        throw new Error(`traces_blame: ${r.content[0]?.text.slice(0, 300)}`);
      return performance.now() - t;
    };
    const first = await call();
    const again: number[] = [];
    for (let i = 0; i < repeat; i++) again.push(await call());
    await client.close();
    const g = gitBlame();
    if (round < 0) continue; // warm-up
    samples.start.push(started);
    samples.first.push(first);
    samples.repeated.push(median(again));
    samples.git.push(g);
  }
  const G = median(samples.git);
  const first = median(samples.first);
  const repeated = median(samples.repeated);
  console.log(
    table([
      ["case", "git blame --porcelain", "traces_blame", "ratio", "target", "verdict"],
      ["first call", fmt(G), fmt(first), ratio(first, G), "<= 1.30x", first <= G * 1.3 ? "ok" : "OVER"],
      ["repeated", fmt(G), fmt(repeated), ratio(repeated, G), "< first", repeated < first ? "ok" : "OVER"],
    ]),
  );
  console.log(`server start-up and handshake (not in the times above): ${fmt(median(samples.start))}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
