// bun run scripts/bench-sync.ts [--rounds N] [--max-wait SECONDS] [--keep]
//
// What the shim adds to `git push` and `git fetch` against real remotes on this machine: a
// bare repository by path, `git daemon` and smart HTTP (`git http-backend`), the last two
// on 127.0.0.1 (scripts/lib/git-servers.ts, the servers the sync tests use). For each
// transport and case, interleaved: the real git, the shim as the installer lays it out,
// and an empty compiled Bun program (F, the start-up every shim call pays); for a fetch with
// nothing new also the floor, a compiled Bun program that only execs git.
//
//   push, new commit, no new note      the worker starts, finds our notes already there
//   push, new commit with a new note   the worker pushes refs/notes/traces after git has
//                                      returned: also how long until the note is on the remote
//   fetch, nothing new                 the C front door does it without Bun (the light fetch,
//                                      docs/architecture.md) and becomes git; the shell that
//                                      waits for it finds no tracking ref newer than the last
//                                      merge: no worker
//   fetch, remote has new notes        a collaborator pushed a commit with a note; our notes
//                                      have one of their own, so every fetch makes a real
//                                      cat_sort_uniq merge (the dearest path), in the worker
//
// Every remote starts as the same history: 200 commits over 1,000 files, 100 of them with
// notes. Notes are written with `git notes` (how a commit gets its note is bench-commit's
// business) and HOME has no agent sessions, so the push worker skips the catch-up of
// unnoted commits, as it does after any commit that found nobody. Timing starts once the
// 1-minute load is below 1.0, or after --max-wait seconds (default 180; the output says which).

import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDaemon, startHttp, type Server } from "./lib/git-servers.ts";
import {
  benchEnv,
  buildReferences,
  fmt,
  installShim,
  interleaveSamples,
  median,
  ratio,
  realGit,
  settleWorkers,
  shimBinary,
  table,
  waitForCalm,
  type Variant,
} from "./lib/bench.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    "max-wait": { type: "string", default: "180" },
    keep: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const maxWait = Number(values["max-wait"]);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds wants a whole number above 0, not ${values.rounds}`);
if (!(maxWait >= 0)) throw new Error(`--max-wait wants seconds, not ${values["max-wait"]}`);
const WARMUP = 3;
const REAL_GIT = realGit();
const root = new URL("..", import.meta.url).pathname;
const binary = await shimBinary(root);

const dir = realpathSync(mkdtempSync(join(tmpdir(), "git-traces-bench-sync-")));
const home = join(dir, "home");
const served = join(dir, "served");
const work = join(dir, "work");
for (const d of [home, served, work]) mkdirSync(d, { recursive: true });
const env = benchEnv(home);
const servers: Server[] = [];

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await Promise.all(servers.map((s) => s.stop()));
  try {
    settleWorkers(home, 10_000); // a push worker must not write into a directory being removed
  } catch {
    // it fails on its own now that the servers are gone
  }
  if (values.keep) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
for (const [signal, status] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const) {
  process.on(signal, () => {
    console.error(`bench-sync: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(status));
  });
}

/** The real git, for everything untimed; its stdout, trimmed. */
function git(args: string[], cwd: string, input?: string): string {
  const p = Bun.spawnSync({
    cmd: [REAL_GIT, ...args],
    cwd,
    env,
    stdin: input === undefined ? "ignore" : new Blob([input]),
    stdout: "pipe",
    stderr: "pipe",
  });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")} (in ${cwd}) exited ${p.exitCode}: ${p.stderr}`);
  return p.stdout.toString().trim();
}

/** A ref's value in a repository on disk, loose or packed, without running git (polled often). */
function refOnDisk(gitDir: string, ref: string): string | null {
  try {
    return readFileSync(join(gitDir, ref), "utf8").trim();
  } catch {
    // packed, or absent
  }
  try {
    for (const line of readFileSync(join(gitDir, "packed-refs"), "utf8").split("\n"))
      if (line.endsWith(` ${ref}`)) return line.slice(0, line.indexOf(" "));
  } catch {
    // no packed refs
  }
  return null;
}

/** The seed history as a fast-import stream: 200 commits over 1,000 files, every other one with a note. */
function seedStream(): string {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const t0 = 1_790_000_000;
  let s = "";
  for (let i = 0; i < 200; i++) {
    s += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.com> ${t0 + i * 600} +0000\n${data(`change ${i}`)}`;
    const files =
      i === 0 ? Array.from({ length: 1000 }, (_, j) => j) : Array.from({ length: 5 }, (_, k) => (i * 5 + k) % 1000);
    for (const j of files)
      s += `M 644 inline src/dir${j % 20}/file${j}.txt\n${data(`file ${j}, version ${i}\n`.repeat(20))}`;
  }
  s += `commit refs/notes/traces\ncommitter Bench <bench@example.com> ${t0 + 200 * 600} +0000\n${data("seed notes")}`;
  for (let i = 1; i <= 200; i += 2) s += `N inline :${i}\n${data(`traces:seed-${i}\n`)}`;
  return `${s}\n`;
}

interface Transport {
  label: string;
  url(name: string): string;
}

interface Clients {
  pushReal: string;
  pushShim: string;
  fetchReal: string;
  fetchShim: string;
  /** A collaborator (the real git) who pushes commits with notes to the fetch remote. */
  writer: string;
  pushShimRemote: string;
}

let shim = "";
let shimEnv = env;
function viaShim(args: string[], cwd: string): void {
  const p = Bun.spawnSync({ cmd: [shim, ...args], argv0: "git", cwd, env: shimEnv, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0)
    throw new Error(`git ${args.join(" ")} through the shim (in ${cwd}) exited ${p.exitCode}: ${p.stderr}`);
  settleWorkers(home);
}

let counter = 0;
/** A new commit on HEAD (a new file), made with the real git; with `note`, a new note on it too. */
function newCommit(repo: string, note: boolean): void {
  const n = counter++;
  writeFileSync(join(repo, `bench-${n}.txt`), `round ${n}\n`);
  git(["add", `bench-${n}.txt`], repo);
  git(["commit", "-q", "-m", `bench ${n}`], repo);
  if (note) git(["notes", "--ref=traces", "add", "-m", `traces:bench-${n}`, "HEAD"], repo);
}

async function main(): Promise<number> {
  console.error("bench-sync: building the reference program and the seed history...");
  const installed = installShim(root, binary, join(dir, "prefix"), env);
  shim = installed.shim;
  shimEnv = { ...env, PATH: installed.path };
  const refs = await buildReferences(join(dir, "refs"), REAL_GIT);
  const seed = join(dir, "seed");
  mkdirSync(seed);
  git(["init", "-q", "-b", "main"], seed);
  git(["fast-import", "--quiet"], seed, seedStream());
  const first = git(["rev-list", "--max-parents=0", "main"], seed);

  const daemon = await startDaemon(served, { git: REAL_GIT });
  servers.push(daemon);
  const http = await startHttp(served, { git: REAL_GIT });
  servers.push(http);
  const transports: Transport[] = [
    { label: "file path", url: (name) => join(served, name) },
    { label: "git daemon", url: (name) => daemon.url(name) },
    { label: "smart HTTP", url: (name) => http.url(name) },
  ];

  console.error("bench-sync: remotes and clones...");
  const clients = new Map<Transport, Clients>();
  for (const [i, t] of transports.entries()) {
    const names = { pushReal: `push-real-${i}.git`, pushShim: `push-shim-${i}.git`, fetch: `fetch-${i}.git` };
    for (const name of Object.values(names)) {
      git(["init", "-q", "--bare", "-b", "main", join(served, name)], served);
      git(["config", "http.receivepack", "true"], join(served, name));
      git(["push", "-q", join(served, name), "main", "refs/notes/traces"], seed);
    }
    const base = join(work, String(i));
    mkdirSync(base);
    const c: Clients = {
      pushReal: join(base, "push-real"),
      pushShim: join(base, "push-shim"),
      fetchReal: join(base, "fetch-real"),
      fetchShim: join(base, "fetch-shim"),
      writer: join(base, "writer"),
      pushShimRemote: join(served, names.pushShim),
    };
    git(["clone", "-q", t.url(names.pushReal), c.pushReal], base);
    viaShim(["clone", "-q", t.url(names.pushShim), c.pushShim], base);
    git(["clone", "-q", t.url(names.fetch), c.fetchReal], base);
    viaShim(["clone", "-q", t.url(names.fetch), c.fetchShim], base);
    git(["clone", "-q", t.url(names.fetch), c.writer], base);
    git(["fetch", "-q", "origin", "refs/notes/traces:refs/notes/traces"], c.writer);
    // One commit through the shim: it finds no agent session and remembers that (quiet.json).
    viaShim(["commit", "-q", "--allow-empty", "-m", "a commit through the shim"], c.pushShim);
    git(["commit", "-q", "--allow-empty", "-m", "a commit through the shim"], c.pushReal);
    if (!(await Bun.file(join(c.pushShim, ".git", "traces", "quiet.json")).exists()))
      throw new Error("the shim's commit did not record quiet.json");
    // A note of our own the remote does not have: every fetch of new notes is a real merge.
    git(["notes", "--ref=traces", "add", "-f", "-m", "traces:local-only", first], c.fetchShim);
    clients.set(t, c);
  }

  // Which way each fetch clone's `git fetch` goes (the door says: fetch=light, or why not).
  const fetchWay = transports.map((t) => {
    const p = Bun.spawnSync({
      cmd: [shim, "fetch"],
      argv0: "git",
      cwd: clients.get(t)!.fetchShim,
      env: { ...shimEnv, GIT_TRACES_FRONT_DOOR_EXPLAIN: "1" },
      stdout: "pipe",
    });
    const out = p.stdout.toString().trim();
    return `${t.label}: ${/front-door=\S+/.exec(out)?.[0] ?? "no front door"} ${/fetch=\S+/.exec(out)?.[0] ?? ""}`;
  });

  const calm = await waitForCalm(1.0, maxWait * 1000);
  console.error(`bench-sync: ${calm}`);

  const F: Variant = { name: "F", cmd: [refs.empty], env };
  const real = (name: string, args: string[], cwd: string, before?: () => void): Variant => ({
    name,
    cmd: [REAL_GIT, ...args],
    argv0: "git",
    cwd,
    env,
    ...(before ? { before } : {}),
  });
  const viaShimTimed = (
    name: string,
    args: string[],
    cwd: string,
    before?: () => void,
    after?: (ended: number) => void,
  ): Variant => ({
    name,
    cmd: [shim, ...args],
    argv0: "git",
    cwd,
    env: shimEnv,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  });

  interface Row {
    transport: string;
    label: string;
    samples: Map<string, number[]>;
    noteOnRemote?: number[];
    workerDone?: number[];
  }
  const rows: Row[] = [];
  const started = performance.now();
  for (const t of transports) {
    const c = clients.get(t)!;
    // Push, new commit, no new note.
    {
      const workerDone: number[] = [];
      const samples = await interleaveSamples(
        [
          F,
          real("git", ["push", "origin", "main"], c.pushReal, () => newCommit(c.pushReal, false)),
          viaShimTimed(
            "shim",
            ["push", "origin", "main"],
            c.pushShim,
            () => newCommit(c.pushShim, false),
            (ended) => {
              settleWorkers(home);
              workerDone.push(performance.now() - ended);
            },
          ),
        ],
        rounds,
        WARMUP,
      );
      rows.push({
        transport: t.label,
        label: "push, new commit, no new note",
        samples,
        workerDone: workerDone.slice(WARMUP),
      });
    }
    // Push, new commit with a new note: when does the note reach the remote?
    {
      const noteOnRemote: number[] = [];
      const workerDone: number[] = [];
      // The remote gets a notes commit built for it (docs/sync.md), not ours: wait for it to move.
      let previous: string | null = null;
      const samples = await interleaveSamples(
        [
          F,
          real("git", ["push", "origin", "main"], c.pushReal, () => newCommit(c.pushReal, true)),
          viaShimTimed(
            "shim",
            ["push", "origin", "main"],
            c.pushShim,
            () => {
              newCommit(c.pushShim, true);
              previous = refOnDisk(c.pushShimRemote, "refs/notes/traces");
            },
            (ended) => {
              for (;;) {
                if (refOnDisk(c.pushShimRemote, "refs/notes/traces") !== previous) break;
                if (performance.now() - ended > 30_000)
                  throw new Error(`the note did not reach ${t.label} within 30 s`);
                Bun.sleepSync(1);
              }
              noteOnRemote.push(performance.now() - ended);
              settleWorkers(home);
              workerDone.push(performance.now() - ended);
            },
          ),
        ],
        rounds,
        WARMUP,
      );
      rows.push({
        transport: t.label,
        label: "push, new commit with a new note",
        samples,
        noteOnRemote: noteOnRemote.slice(WARMUP),
        workerDone: workerDone.slice(WARMUP),
      });
    }
    // Push, new commit with a new note, where nobody is at a terminal (CI): the notes push
    // happens before the command returns. Reported, no target: this is the price of not losing it.
    {
      const ci = { ...shimEnv, GIT_TRACES_SYNC: "1" };
      const samples = await interleaveSamples(
        [
          F,
          real("git", ["push", "origin", "main"], c.pushReal, () => newCommit(c.pushReal, true)),
          {
            ...viaShimTimed(
              "shim",
              ["push", "origin", "main"],
              c.pushShim,
              () => newCommit(c.pushShim, true),
              () => settleWorkers(home),
            ),
            env: ci,
          },
        ],
        rounds,
        WARMUP,
      );
      rows.push({ transport: t.label, label: "push, new note, foreground (CI)", samples });
    }
    // Fetch, nothing new. The merge runs after git, in the background (its shell starts no
    // worker when no tracking ref moved): settled after each run, and timed.
    {
      const workerDone: number[] = [];
      const settled = (ended: number) => {
        settleWorkers(home);
        workerDone.push(performance.now() - ended);
      };
      // The floor: a compiled Bun program that does nothing but execve the real git, the
      // least any Bun shim that becomes git can add.
      const floor: Variant = { name: "floor", cmd: [refs.floor, "fetch"], argv0: "git", cwd: c.fetchReal, env };
      const samples = await interleaveSamples(
        [
          F,
          floor,
          real("git", ["fetch"], c.fetchReal),
          viaShimTimed("shim", ["fetch"], c.fetchShim, undefined, settled),
        ],
        rounds,
        WARMUP,
      );
      rows.push({ transport: t.label, label: "fetch, nothing new", samples, workerDone: workerDone.slice(WARMUP) });
    }
    // Fetch, the remote has a new commit with a new note (pushed just before each run).
    {
      const collaborate = () => {
        newCommit(c.writer, true);
        git(["push", "-q", "origin", "main", "refs/notes/traces"], c.writer);
      };
      const workerDone: number[] = [];
      const settled = (ended: number) => {
        settleWorkers(home);
        workerDone.push(performance.now() - ended);
      };
      const samples = await interleaveSamples(
        [
          F,
          real("git", ["fetch"], c.fetchReal, collaborate),
          viaShimTimed("shim", ["fetch"], c.fetchShim, collaborate, settled),
        ],
        rounds,
        WARMUP,
      );
      rows.push({
        transport: t.label,
        label: "fetch, remote has new notes",
        samples,
        workerDone: workerDone.slice(WARMUP),
      });
    }
    console.error(`bench-sync: ${t.label} done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }

  // What the runs should have left: our notes on the push remotes, theirs merged into ours.
  const problems: string[] = [];
  for (const t of transports) {
    const c = clients.get(t)!;
    const ours = git(["notes", "--ref=traces", "show", "HEAD"], c.pushShim);
    const onRemote = Bun.spawnSync({
      cmd: [REAL_GIT, "notes", "--ref=traces", "show", git(["rev-parse", "HEAD"], c.pushShim)],
      cwd: c.pushShimRemote,
      env,
      stdout: "pipe",
    });
    if (onRemote.stdout.toString().trim() !== ours) problems.push(`${t.label}: the push remote lacks our latest notes`);
    const theirs = git(["rev-parse", "HEAD"], c.writer);
    const note = Bun.spawnSync({
      cmd: [REAL_GIT, "notes", "--ref=traces", "show", theirs],
      cwd: c.fetchShim,
      env,
      stdout: "pipe",
    });
    if (note.exitCode !== 0) problems.push(`${t.label}: the collaborator's latest note was not merged by the fetch`);
    if (!git(["notes", "--ref=traces", "show", first], c.fetchShim).includes("traces:local-only"))
      problems.push(`${t.label}: a local note was lost in a merge`);
  }

  const over: string[] = [];
  const allF = rows.flatMap((r) => r.samples.get("F")!);
  const F_ms = median(allF);
  const version = git(["--version"], dir).replace(/^git version /, "");
  const opt = (xs?: number[]) => (xs?.length ? `+${fmt(median(xs))}` : "-");
  console.log(
    `bench-sync: ${rounds} rounds (+${WARMUP} warm-up) per case, medians; git ${REAL_GIT} ${version}, bun ${Bun.version}, ${cpus().length} cores`,
  );
  console.log(calm);
  console.log(`git fetch through the installed git: ${fetchWay.join("; ")}`);
  console.log(
    table([
      [
        "transport",
        "case",
        "real git",
        "shim",
        "added",
        "shim/git",
        "F",
        "added - F",
        "floor added",
        "note on remote",
        "worker done",
        "target",
        "verdict",
      ],
      ...rows.map((r) => {
        const g = median(r.samples.get("git")!);
        const s = median(r.samples.get("shim")!);
        const f = median(r.samples.get("F")!);
        // The sync targets (issue "No note is ever lost"): what the shim adds over git.
        const share =
          r.label === "fetch, nothing new" ? 0.1 : r.label === "push, new commit with a new note" ? 0.5 : null;
        const budget = share === null ? null : f + share * g;
        const verdict = budget === null ? "-" : s - g <= budget ? "ok" : "over";
        if (verdict === "over") over.push(`${r.transport}: ${r.label}`);
        const fl = r.samples.get("floor");
        return [
          r.transport,
          r.label,
          fmt(g),
          fmt(s),
          fmt(s - g),
          ratio(s, g),
          fmt(f),
          fmt(s - g - f),
          fl ? fmt(median(fl) - g) : "-",
          opt(r.noteOnRemote),
          opt(r.workerDone),
          budget === null ? "-" : `<= ${fmt(budget)} (F + ${share! * 100}%)`,
          verdict,
        ];
      }),
    ]),
  );
  console.log(over.length ? `targets: OVER\n  ${over.join("\n  ")}` : "targets: ok");
  console.log(`F (an empty compiled Bun program): ${fmt(F_ms)}, median of all ${allF.length} runs`);
  console.log(
    "floor added = a compiled Bun program that only execs git, minus git: the least a shim that becomes git adds",
  );
  console.log(
    "added = shim - real git; note on remote, worker done: after the shim's push or fetch returned (the notes push, and the merge of fetched notes, run in a background worker)",
  );
  console.log(
    problems.length
      ? `checks: FAILED\n  ${problems.join("\n  ")}`
      : "checks: ok (every pushed note on its remote, every fetched note merged, no local note lost)",
  );
  return problems.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} finally {
  await cleanup();
}
