// The C front door's light fetch (scripts/lib/front-door-fetch.c): a plain `git fetch` at a
// terminal done without starting Bun. It must do exactly what the Bun shim's fetch does there
// (the same job, the same marks, the same waiting shell, the notes merged), hand every other
// case to the shim, and leave git's own result untouched. Installed as users get it, by
// scripts/install.sh, into a temporary prefix.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { sourceWithoutNotes } from "../../src/interceptors/fetch.ts";
import { FetchJobSchema } from "../../src/jobs/schemas.ts";
import { BINARY, makeSandbox, REAL_GIT, ROOT, requireBinary, run, type Sandbox, settle } from "../helpers/sandbox.ts";

let box: Sandbox;
let prefix: string;
let door: string;
let env: Record<string, string>;
let dumpDir: string;

/** What each fetch saw as git started, written by the wrapper standing in for the real git. */
function wrapper(): string {
  return `#!/bin/sh
if [ "$1" = fetch ] && [ -n "\${LF_DUMP:-}" ]; then
  for m in "$LF_MARKS"/[0-9]*; do [ -f "$m" ] && cat "$m"; done > "$LF_DUMP"
  if [ -n "\${LF_FDS:-}" ]; then
    for m in "$LF_MARKS"/[0-9]*; do
      p=\${m##*/}; i=0
      until tr '\\0' ' ' < /proc/$p/cmdline | grep -q git-traces-wait || [ $i -ge 300 ]; do sleep 0.01; i=$((i+1)); done
      for f in /proc/$p/fd/*; do readlink "$f"; done > "$LF_FDS"
      echo "$p $(cut -d' ' -f6 /proc/$p/stat)" > "$LF_FDS.session"
    done
  fi
  if [ -n "\${LF_KILL:-}" ]; then for m in "$LF_MARKS"/[0-9]*; do kill -9 "\${m##*/}"; done; fi
fi
exec ${REAL_GIT} "$@"
`;
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("light-fetch");
  prefix = join(box.dir, "prefix");
  const inst = run(
    [
      "/bin/sh",
      join(ROOT, "scripts", "install.sh"),
      "--binary",
      BINARY,
      "--prefix",
      prefix,
      "--no-modify-path",
      "--front-door",
      "c",
    ],
    { env: { HOME: box.home, PATH: "/usr/bin:/bin", LC_ALL: "C" } },
  );
  expect(inst.err).not.toContain("could not build");
  expect(inst.exitCode).toBe(0);
  door = join(prefix, "bin", "git");
  // The recorded real git becomes a wrapper that can show what the fetch saw.
  const recorded = join(prefix, "libexec", "git-traces", "git");
  unlinkSync(recorded);
  writeFileSync(recorded, wrapper());
  chmodSync(recorded, 0o755);
  env = { ...box.env, PATH: `${join(prefix, "bin")}:/usr/bin:/bin` };
  dumpDir = join(box.dir, "dumps");
  mkdirSync(dumpDir);
});
afterAll(() => box?.cleanup());

let n = 0;
/** A remote with one commit and its note, a clone made through the door, and a collaborator's clone. */
function setup(name = `r${n++}`): { remote: string; work: string; writer: string } {
  const base = join(box.dir, name);
  mkdirSync(base);
  const remote = join(base, "remote.git");
  const seed = join(base, "seed");
  const git = (args: string[], cwd: string) => {
    const r = run([REAL_GIT, ...args], { cwd, env: box.realEnv });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
    return r.out.trim();
  };
  git(["init", "-q", "--bare", "-b", "main", remote], base);
  git(["init", "-q", "-b", "main", seed], base);
  git(["commit", "-q", "--allow-empty", "-m", "one"], seed);
  git(["notes", "--ref=traces", "add", "-m", "traces:seed", "HEAD"], seed);
  git(["push", "-q", remote, "main", "refs/notes/traces"], seed);
  const work = join(base, "work");
  const writer = join(base, "writer");
  expect(run([door, "clone", "-q", remote, work], { cwd: base, env }).exitCode).toBe(0);
  git(["clone", "-q", remote, writer], base);
  git(["fetch", "-q", "origin", "refs/notes/traces:refs/notes/traces"], writer);
  settle(box.home);
  return { remote, work, writer };
}

/** The door's decision for a command line, with the reason a fetch is not light. */
function explain(args: string[], cwd: string, extra: Record<string, string | undefined> = {}): string {
  const r = run([door, ...args], { cwd, env: { ...env, ...extra, GIT_TRACES_FRONT_DOOR_EXPLAIN: "1" } });
  return /fetch=(\S+)/.exec(r.out)?.[1] ?? r.out.trim();
}

function realGit(args: string[], cwd: string): string {
  const r = run([REAL_GIT, ...args], { cwd, env: box.realEnv });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r.out.trim();
}

/** A commit with a note, pushed by the collaborator. */
function collaborate(writer: string, text: string): string {
  realGit(["commit", "-q", "--allow-empty", "-m", text], writer);
  realGit(["notes", "--ref=traces", "add", "-m", `traces:${text}`, "HEAD"], writer);
  realGit(["push", "-q", "origin", "main", "refs/notes/traces"], writer);
  return realGit(["rev-parse", "HEAD"], writer);
}

function noteOf(work: string, commit: string): string | null {
  const r = run([REAL_GIT, "notes", "--ref=traces", "show", commit], { cwd: work, env: box.realEnv });
  return r.exitCode === 0 ? r.out.trim() : null;
}

/** The marks the fetch's git saw as it started (the wrapper's dump): parsed. */
function fetchWithDump(
  cmd: string[],
  work: string,
  extra: Record<string, string> = {},
): { marks: { kind: string; job: unknown; at: number }[]; exitCode: number | null; err: string } {
  const dump = join(dumpDir, `d${n++}`);
  const r = run(cmd, {
    cwd: work,
    env: { ...env, LF_DUMP: dump, LF_MARKS: join(work, ".git", "traces", "pending"), ...extra },
  });
  const text = existsSync(dump) ? readFileSync(dump, "utf8") : "";
  const marks = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { marks, exitCode: r.exitCode, err: r.err };
}

describe("what a light fetch does", () => {
  test("notes a collaborator pushed are merged, by a job the shim's worker accepts", () => {
    const { work, writer } = setup();
    expect(explain(["fetch"], work)).toBe("light");
    const theirs = collaborate(writer, "theirs-1");
    const r = fetchWithDump([door, "fetch", "-q"], work);
    expect(r.exitCode).toBe(0);
    expect(r.marks).toHaveLength(1);
    const mark = r.marks[0]!;
    expect(mark.kind).toBe("after-fetch");
    const job = v.parse(FetchJobSchema, mark.job);
    expect(job.cwd).toBe(work);
    expect(job.gitDir).toBe(join(work, ".git"));
    expect(job.commonDir).toBe(join(work, ".git"));
    expect(job.named).toEqual(["origin"]);
    expect(job.source).toBeNull();
    settle(box.home);
    expect(noteOf(work, theirs)).toBe("traces:theirs-1");
    // Marks gone, hint directory gone.
    expect(readdirSync(join(work, ".git", "traces", "pending")).filter((f) => /^\d/.test(f))).toEqual([]);
    expect(existsSync(join(box.home, ".local", "share", "git-traces", "pending"))).toBe(false);
  });

  test("nothing new: no worker starts, the stamp stays as it was, no mark is left", () => {
    const { work } = setup();
    run([door, "fetch"], { cwd: work, env });
    settle(box.home);
    const stamp = join(work, ".git", "traces", "fetch-merged");
    expect(existsSync(stamp)).toBe(true);
    const before = statSync(stamp).mtimeMs;
    expect(explain(["fetch"], work)).toBe("light");
    for (let i = 0; i < 3; i++) expect(run([door, "fetch"], { cwd: work, env }).exitCode).toBe(0);
    settle(box.home);
    expect(statSync(stamp).mtimeMs).toBe(before);
    expect(readdirSync(join(work, ".git", "traces", "pending"))).toEqual([]);
  });

  test("the job is the one the Bun shim writes for the same command line", () => {
    const { work } = setup();
    const lines = [
      ["fetch"],
      ["fetch", "origin"],
      ["fetch", "-q", "--prune", "origin"],
      ["fetch", "--no-write-fetch-head"],
      ["fetch", "--all", "--tags"],
      ["fetch", "--no-write-fetch-head", "--write-fetch-head", "-v"],
    ];
    const strip = (m: { kind: string; job: unknown; at: number }) => {
      const { pid: _pid, start: _start, ...rest } = m.job as Record<string, unknown>;
      return { kind: m.kind, job: rest };
    };
    const shimBinary = join(prefix, "bin", "git-traces");
    for (const line of lines) {
      expect(`${line.join(" ")}: ${explain(line, work)}`).toBe(`${line.join(" ")}: light`);
      const viaDoor = fetchWithDump([door, ...line], work);
      settle(box.home);
      // The Bun shim itself (argv[0] git), with the same recorded real git.
      const dump = join(dumpDir, `s${n++}`);
      const p = Bun.spawnSync({
        cmd: [shimBinary, ...line],
        argv0: "git",
        cwd: work,
        env: { ...env, LF_DUMP: dump, LF_MARKS: join(work, ".git", "traces", "pending") },
        stdout: "pipe",
        stderr: "pipe",
      });
      settle(box.home);
      expect<number | null>(p.exitCode).toBe(viaDoor.exitCode);
      const viaShim = readFileSync(dump, "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
      expect(viaDoor.marks.map(strip)).toEqual(viaShim.map(strip));
      expect(viaDoor.marks).toHaveLength(1);
    }
  });

  test("in a real terminal (script(1)), with no setting at all, the fetch is light and the notes arrive", () => {
    const script = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
    if (!script) return; // no util-linux script here
    const { work, writer } = setup();
    const theirs = collaborate(writer, "theirs-tty");
    const inTerminal = (extra: string) =>
      run([script, "-qec", `${extra} '${door}' fetch; echo "<rc=$?>"`, "/dev/null"], {
        cwd: work,
        env: { ...env, GIT_TRACES_SYNC: undefined, TERM: "xterm" },
      }).out;
    expect(inTerminal("GIT_TRACES_FRONT_DOOR_EXPLAIN=1")).toContain("fetch=light");
    expect(inTerminal("")).toContain("<rc=0>");
    settle(box.home);
    expect(noteOf(work, theirs)).toBe("traces:theirs-tty");
  });

  test("git's own result is untouched: a failing fetch's status and stderr", () => {
    const { work } = setup();
    expect(explain(["fetch", "nowhere"], work)).toBe("light");
    const viaDoor = run([door, "fetch", "nowhere"], { cwd: work, env });
    const stock = run([REAL_GIT, "fetch", "nowhere"], { cwd: work, env: box.realEnv });
    expect(viaDoor.exitCode).toBe(128);
    expect(viaDoor.err).toBe(stock.err);
    expect(viaDoor.out).toBe(stock.out);
    settle(box.home);
    expect(readdirSync(join(work, ".git", "traces", "pending"))).toEqual([]);
  });

  test("the waiting shell keeps none of the user's files open, and no terminal", () => {
    const { work } = setup();
    const fds = join(dumpDir, `fds${n++}`);
    // fd 3 open in the caller (a pipe a script holds): the shell must not inherit it.
    const r = fetchWithDump(["/bin/sh", "-c", `exec 3>${join(dumpDir, "held")}; exec "$0" fetch`, door], work, {
      LF_FDS: fds,
    });
    expect(r.exitCode).toBe(0);
    expect(r.marks).toHaveLength(1);
    // (dash keeps a copy of stderr while a builtin's is redirected: /dev/null too.)
    const open = readFileSync(fds, "utf8").trim().split("\n");
    expect(open.length).toBeGreaterThanOrEqual(3);
    expect([...new Set(open)]).toEqual(["/dev/null"]);
    // A session of its own: the terminal's Ctrl-C or hang-up does not reach it.
    const [pid, session] = readFileSync(`${fds}.session`, "utf8").trim().split(" ");
    expect(session).toBe(pid);
    settle(box.home);
  });

  test("a killed waiting shell: the next command runs its job, and the notes arrive", () => {
    const { work, writer } = setup();
    const theirs = collaborate(writer, "theirs-killed");
    const r = fetchWithDump([door, "fetch"], work, { LF_KILL: "1" });
    expect(r.exitCode).toBe(0);
    expect(r.marks).toHaveLength(1);
    expect(noteOf(work, theirs)).toBeNull();
    // The next command that reads notes settles the repository's interrupted work first.
    const log = run([door, "traces", "log", "-n", "1"], { cwd: work, env });
    expect(log.exitCode).toBe(0);
    settle(box.home);
    expect(noteOf(work, theirs)).toBe("traces:theirs-killed");
  });

  test("a linked worktree: the job and marks belong to the common directory", () => {
    const { work, writer } = setup();
    const wt = join(box.dir, `wt${n++}`);
    realGit(["worktree", "add", "-q", wt], work);
    expect(explain(["fetch"], wt)).toBe("light");
    const theirs = collaborate(writer, "theirs-wt");
    const r = fetchWithDump([door, "fetch"], wt, { LF_MARKS: join(work, ".git", "traces", "pending") });
    expect(r.exitCode).toBe(0);
    const job = v.parse(FetchJobSchema, r.marks[0]!.job);
    expect(job.commonDir).toBe(join(work, ".git"));
    expect(job.gitDir).toContain("/.git/worktrees/");
    settle(box.home);
    expect(noteOf(work, theirs)).toBe("traces:theirs-wt");
  });

  test("paths with quotes, backslashes, newlines and non-ASCII are written as JSON the worker reads", () => {
    const base = join(box.dir, `odd "dir" \\ tab\t é`);
    mkdirSync(base);
    const { remote } = setup();
    const work = join(base, "work");
    expect(run([door, "clone", "-q", remote, work], { cwd: base, env }).exitCode).toBe(0);
    settle(box.home);
    const cwd = join(work, "sub\nline");
    mkdirSync(cwd);
    expect(explain(["fetch"], cwd)).toBe("light");
    const r = fetchWithDump([door, "fetch"], cwd, { LF_MARKS: join(work, ".git", "traces", "pending") });
    const job = v.parse(FetchJobSchema, r.marks[0]!.job);
    expect(job.cwd).toBe(cwd);
    expect(job.gitDir).toBe(join(work, ".git"));
    settle(box.home);
  });
});

describe("what the door hands to the shim", () => {
  test("every case the light fetch does not cover, with its reason", () => {
    const { work } = setup();
    const cases: [string[], Record<string, string | undefined>, string][] = [
      [["-C", ".", "fetch"], {}, "global-options"],
      [["fetch"], { GIT_DIR: ".git" }, "git-environment"],
      [["fetch"], { GIT_WORK_TREE: "." }, "git-environment"],
      [["fetch"], { GIT_TRACES_SYNC: "1" }, "foreground"],
      [["fetch"], { GIT_TRACES_SYNC: undefined, CI: "true" }, "foreground"],
      // No terminal on stdin or stderr (the test's pipes): the work is done in the foreground.
      [["fetch"], { GIT_TRACES_SYNC: undefined }, "foreground"],
      [["fetch"], { GIT_TRACES_SYNC: "off", CI: "true" }, "light"],
      [["fetch", "origin", "main"], {}, "arguments"],
      [["fetch", "--depth", "1"], {}, "arguments"],
      [["fetch", "--depth=1"], {}, "arguments"],
      [["fetch", "../remote.git"], {}, "arguments"],
      [["fetch", "https://example.com/r.git"], {}, "arguments"],
      [["fetch", "--dry-run"], {}, "arguments"],
      [["fetch", "--recurse-submodules"], {}, "arguments"],
      [["fetch", "-qp"], {}, "arguments"],
      [["fetch", "--", "origin"], {}, "arguments"],
      [["fetch", "--stdin"], {}, "arguments"],
    ];
    const wrong: string[] = [];
    for (const [args, extra, want] of cases) {
      const got = explain(args, work, extra);
      if (got !== want) wrong.push(`${JSON.stringify(args)} ${JSON.stringify(extra)}: ${got}, want ${want}`);
    }
    expect(wrong).toEqual([]);
    expect(explain(["fetch"], box.dir)).toBe("no-repository");
  });

  test("git traces doctor says whether a fetch here is light, or why not", () => {
    const { work } = setup();
    expect(run([door, "traces", "doctor"], { cwd: work, env }).out).toContain(
      "light_fetch=yes (git fetch here starts no Bun)",
    );
    expect(run([door, "traces", "doctor"], { cwd: box.dir, env }).out).toContain("light_fetch=no here: no-repository");
  });

  test("400 generated command lines: the door takes only those the shim fetches with no notes fetch of its own", async () => {
    const { work } = setup();
    const tokens = [
      "-q",
      "--prune",
      "--tags",
      "-n",
      "--all",
      "--no-write-fetch-head",
      "origin",
      "upstream",
      "main",
      ".",
      "../remote.git",
      "https://example.com/r.git",
      "host:path",
      "refs/notes/*:refs/notes/*",
      "--depth",
      "1",
      "--dry-run",
      "--stdin",
      "-j",
      "--multiple",
      "--",
      "-qp",
      "--refmap=",
      "-",
      "",
    ];
    let seed = 7;
    const pick = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return tokens[seed % tokens.length]!;
    };
    const wrong: string[] = [];
    let light = 0;
    for (let i = 0; i < 400; i++) {
      const args = Array.from({ length: i % 4 }, pick);
      if (explain(["fetch", ...args], work) !== "light") continue;
      light++;
      const source = await sourceWithoutNotes(args, ["origin"]);
      if (source !== null || args.includes("--dry-run")) wrong.push(`${JSON.stringify(args)}: shim source ${source}`);
    }
    expect(wrong).toEqual([]);
    expect(light).toBeGreaterThan(50);
  });

  test("pending work, warnings to print and submodules go to the shim", () => {
    const { work } = setup();
    const data = join(box.dir, `data${n++}`);
    mkdirSync(join(data, "pending"), { recursive: true });
    expect(explain(["fetch"], work, { GIT_TRACES_HOME: data })).toBe("pending");
    rmSync(join(data, "pending"), { recursive: true });
    writeFileSync(join(data, "warnings.log"), "something to say\n");
    expect(explain(["fetch"], work, { GIT_TRACES_HOME: data })).toBe("warnings");
    rmSync(join(data, "warnings.log"));
    expect(explain(["fetch"], work, { GIT_TRACES_HOME: data })).toBe("light");
    mkdirSync(join(work, ".git", "modules"));
    expect(explain(["fetch"], work)).toBe("submodules");
  });

  test("a changed config goes to the shim once, which gives a new remote the refspecs", () => {
    const { work, remote } = setup();
    expect(explain(["fetch"], work)).toBe("light");
    realGit(["remote", "add", "upstream", remote], work);
    expect(explain(["fetch"], work)).toBe("remotes-unchecked");
    expect(run([door, "fetch"], { cwd: work, env }).exitCode).toBe(0);
    settle(box.home);
    expect(realGit(["config", "--get-all", "remote.upstream.fetch"], work)).toContain("refs/notes/traces");
    // The shim changed the config itself: the next fetch lists the remotes once more, then it is light.
    run([door, "fetch"], { cwd: work, env });
    settle(box.home);
    expect(explain(["fetch"], work)).toBe("light");
    expect(
      readFileSync(join(work, ".git", "traces", "remotes-configured"), "utf8")
        .split("\n")
        .slice(2),
    ).toEqual(["origin", "upstream", ""]);
    // `git traces sync --remove-config` forgets it.
    expect(run([door, "traces", "sync", "--remove-config"], { cwd: work, env }).exitCode).toBe(0);
    expect(existsSync(join(work, ".git", "traces", "remotes-configured"))).toBe(false);
    expect(explain(["fetch"], work)).toBe("remotes-unchecked");
  });

  test("a damaged or hostile copy of the remotes is never trusted", () => {
    const { work } = setup();
    const file = join(work, ".git", "traces", "remotes-configured");
    const good = readFileSync(file, "utf8");
    const lines = good.split("\n");
    const variants = [
      "",
      "garbage",
      good.slice(0, -1), // cut short
      [lines[0], "1 2 3 4", ...lines.slice(2)].join("\n"), // another config
      [lines[0], `${lines[1]} 5`, ...lines.slice(2)].join("\n"),
      ["git-traces remotes v2", ...lines.slice(1)].join("\n"),
      `${good}\n`, // an empty name
      `${good}${"x".repeat(70_000)}\n`, // too big
      `${good}\xff\n`,
    ];
    for (const text of variants) {
      writeFileSync(file, text, "latin1");
      expect(`${JSON.stringify(text.slice(0, 40))}: ${explain(["fetch"], work)}`).toBe(
        `${JSON.stringify(text.slice(0, 40))}: remotes-unchecked`,
      );
    }
    writeFileSync(file, good);
    expect(explain(["fetch"], work)).toBe("light");
  });

  test("a path that is not UTF-8 goes to the shim", () => {
    const { remote } = setup();
    const script =
      'd="$(printf "bad-\\377\\376")"; mkdir "$d" && cd "$d" && "$1" clone -q "$2" w && cd w && ' +
      'GIT_TRACES_FRONT_DOOR_EXPLAIN=1 "$1" fetch';
    const r = run(["/bin/sh", "-c", script, "sh", door, remote], { cwd: box.dir, env });
    expect(r.out).toContain("fetch=path");
  });
});

describe("chaos", () => {
  test("light fetches with their shells and workers killed at random: every note arrives, nothing broken", async () => {
    const { work, writer } = setup();
    realGit(["notes", "--ref=traces", "add", "-f", "-m", "traces:ours", "HEAD"], work);
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100000);
    console.log(`light-fetch chaos seed ${seed}`);
    let s = seed || 1;
    const random = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const hints = join(box.home, ".local", "share", "git-traces", "pending");
    let stop = false;
    let killed = 0;
    const killer = (async () => {
      while (!stop) {
        await Bun.sleep(Math.floor(random() * 30));
        let names: string[] = [];
        try {
          names = readdirSync(hints).filter((f) => /^\d+$/.test(f));
        } catch {
          // none
        }
        for (const pid of names) {
          if (random() < 0.8) continue;
          try {
            process.kill(Number(pid), "SIGKILL");
            killed++;
          } catch {
            // gone
          }
        }
      }
    })();
    const theirs: string[] = [];
    let light = 0;
    const failures: string[] = [];
    for (let i = 0; i < 30; i++) {
      theirs.push(collaborate(writer, `chaos-${i}`));
      if (explain(["fetch"], work) === "light") light++;
      const p = Bun.spawn({ cmd: [door, "fetch", "-q"], cwd: work, env, stdout: "pipe", stderr: "pipe" });
      const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
      if (code !== 0) failures.push(`fetch ${i}: ${code} ${err}`);
      await Bun.sleep(Math.floor(random() * 60));
    }
    stop = true;
    await killer;
    expect(failures).toEqual([]);
    console.log(`light-fetch chaos: ${light} of 30 fetches light, ${killed} shells or workers killed`);
    expect(light).toBeGreaterThan(0);
    // The next command settles what was cut short.
    expect(run([door, "traces", "sync"], { cwd: work, env }).exitCode).toBe(0);
    settle(box.home);
    expect(theirs.filter((c) => noteOf(work, c) === null)).toEqual([]);
    expect(noteOf(work, realGit(["rev-list", "--max-parents=0", "HEAD"], work))).toContain("traces:ours");
    const fsck = run([REAL_GIT, "fsck", "--no-progress"], { cwd: work, env: box.realEnv });
    expect(fsck.exitCode).toBe(0);
    expect(readdirSync(join(work, ".git", "traces", "pending"))).toEqual([]);
    const refs = realGit(["for-each-ref", "--format=%(refname)", "refs/notes"], work).split("\n");
    expect(refs.filter((r) => r !== "refs/notes/traces" && !/^refs\/notes\/remotes\/[^/]+\/traces$/.test(r))).toEqual(
      [],
    );
  }, 120_000);
});
