// No note is lost: install layouts, races between commits, git's auto-gc, commits other
// programs make, ephemeral machines, hook records beside unhooked sessions, a full disk, and
// plain git reading notes right after a commit. Each case once lost notes silently.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SESSIONS } from "../helpers/agents.ts";
import { BINARY, makeSandbox, REAL_GIT, requireBinary, run, settle, sh, type Sandbox } from "../helpers/sandbox.ts";
import { AFTER, at, makeShop } from "../helpers/shop.ts";
import { writeClaudeSession } from "../helpers/users.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("no-loss");
});
afterAll(() => box.cleanup());

/** Commits on `rev`'s first-parent history since `since`, each with or without a note. */
function noted(repo: string, range: string): { total: number; withNote: number } {
  const commits = sh(`git rev-list ${range}`, { cwd: repo, env: box.realEnv }).split("\n").filter(Boolean);
  const annotated = new Set(
    sh("git notes --ref=traces list", { cwd: repo, env: box.realEnv })
      .split("\n")
      .map((l) => l.split(" ")[1])
      .filter(Boolean),
  );
  return { total: commits.length, withNote: commits.filter((c) => annotated.has(c)).length };
}

/** Runs `script` with sh in `cwd` through the shim, in the background; resolves with its output. */
async function shell(script: string, cwd: string, env: Record<string, string>): Promise<string> {
  const p = Bun.spawn({ cmd: ["/bin/sh", "-c", script], cwd, env, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return out + err;
}

/** An empty repository at `repo` with one commit, and a Claude Code session working in it. */
function agentRepo(repo: string, id: string): void {
  mkdirSync(repo, { recursive: true });
  sh("git init -q -b main && git commit -q --allow-empty -m base", {
    cwd: repo,
    env: at(box.realEnv, "2026-11-20T09:00:00Z"),
  });
  writeClaudeSession(box.home, repo, id, "src/auth.py");
}

// Commits made in Claude Code's own shell get its latest session with no file to match:
// every commit of these loops should have a note.
const inClaude = (env: Record<string, string>) => ({ ...at(env, AFTER), CLAUDECODE: "1" });

describe("install layouts", () => {
  test("the binary installed as `git` alone (a package's or an image's layout): notes land", () => {
    const only = join(box.dir, "only-git");
    mkdirSync(only, { recursive: true });
    copyFileSync(BINARY, join(only, "git"));
    chmodSync(join(only, "git"), 0o755);
    const repo = join(box.home, "work", "alone");
    agentRepo(repo, "sess-alone");
    const env = { ...inClaude(box.env), PATH: `${only}:/usr/bin:/bin` };
    for (let i = 0; i < 3; i++) {
      const r = run([join(only, "git"), "commit", "-q", "--allow-empty", "-m", `c${i}`], { cwd: repo, env });
      expect([r.exitCode, r.err]).toEqual([0, ""]);
    }
    settle(box.home);
    expect(noted(repo, "HEAD~3..HEAD")).toEqual({ total: 3, withNote: 3 });
    // doctor checks that a worker starts in this layout.
    const doctor = run([join(only, "git"), "traces", "doctor"], { cwd: repo, env });
    expect(doctor.out).toContain("worker=ok\n");
    // Hooks call it as `git traces hook` (`git hook` is git's own), and it records.
    const hooks = run([join(only, "git"), "traces", "hooks", "install", "--agent", "claude-code"], { cwd: repo, env });
    expect(hooks.exitCode).toBe(0);
    const settings = readFileSync(join(box.home, ".claude", "settings.json"), "utf8");
    expect(settings).toContain(`${join(only, "git")} traces hook claude-code`);
    const command = /"command": "([^"]+SessionStart)"/.exec(settings)?.[1];
    expect(command).toBeDefined();
    const hook = run(["/bin/sh", "-c", command!], {
      cwd: repo,
      env: { HOME: box.home, PATH: "/usr/bin:/bin" },
      input: JSON.stringify({ session_id: "sess-alone", cwd: repo, hook_event_name: "SessionStart" }),
    });
    expect([hook.exitCode, hook.err]).toEqual([0, ""]);
    expect(readFileSync(join(repo, ".git", "traces", "active.json"), "utf8")).toContain("sess-alone");
    run([join(only, "git"), "traces", "hooks", "uninstall", "--agent", "claude-code"], { cwd: repo, env });
  });
});

describe("races", () => {
  test("500 commits in two worktrees at the same moment, and 100 across two repositories: none lost", async () => {
    const repo = join(box.home, "work", "race");
    agentRepo(repo, "sess-race-a");
    const other = join(box.home, "work", "race-b");
    sh(`git worktree add -q -b b ${other}`, { cwd: repo, env: box.realEnv });
    writeClaudeSession(box.home, other, "sess-race-b", "src/auth.py");
    const loop = (n: number, tag: string) =>
      `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); git commit -q --allow-empty -m "${tag}$i" || echo "FAILED ${tag}$i"; done`;
    const env = inClaude(box.env);
    const outs = await Promise.all([shell(loop(250, "a"), repo, env), shell(loop(250, "b"), other, env)]);
    // Every commit succeeds. (git's own auto-gc, started by one worktree's commit, may say
    // on stderr that it could not pack a ref the other worktree was moving: git's, harmless.)
    expect(outs.join("")).not.toContain("FAILED");
    settle(box.home, 60_000);
    expect(noted(repo, "main~250..main")).toEqual({ total: 250, withNote: 250 });
    expect(noted(repo, "b~250..b")).toEqual({ total: 250, withNote: 250 });

    const one = join(box.home, "work", "pair-1");
    const two = join(box.home, "work", "pair-2");
    agentRepo(one, "sess-pair-1");
    agentRepo(two, "sess-pair-2");
    const outs2 = await Promise.all([shell(loop(50, "x"), one, env), shell(loop(50, "y"), two, env)]);
    expect(outs2.join("")).not.toContain("FAILED");
    settle(box.home, 60_000);
    expect(noted(one, "HEAD~50..HEAD")).toEqual({ total: 50, withNote: 50 });
    expect(noted(two, "HEAD~50..HEAD")).toEqual({ total: 50, withNote: 50 });
  }, 600_000);

  test("git's auto-gc expiring the reflog while the worker waits: every note lands", () => {
    const repo = join(box.home, "work", "gc");
    agentRepo(repo, "sess-gc");
    // Every notes write leaves a pack: with a limit of one, gc runs after each commit, in
    // the foreground of git commit, and empties the reflog.
    sh(
      "git config gc.autoPackLimit 1 && git config gc.autoDetach false && git config gc.reflogExpire now && git config gc.reflogExpireUnreachable now",
      { cwd: repo, env: box.realEnv },
    );
    const env = inClaude(box.env);
    for (let i = 0; i < 8; i++) {
      expect(
        run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", `gc${i}`], { cwd: repo, env }).exitCode,
      ).toBe(0);
      settle(box.home);
    }
    expect(noted(repo, "HEAD~8..HEAD")).toEqual({ total: 8, withNote: 8 });
  });

  test("a commit another program makes right after ours (an IDE's own git): each note on its own commit", () => {
    const shop = makeShop(box, ["claude-code"], { path: join(box.home, "work", "ide") });
    writeFileSync(join(shop.repo, "tests", "test_auth.py"), "def test_ide():\n    pass\n");
    sh("git add -A", { cwd: shop.repo, env: box.realEnv });
    // A: through the shim; B, at once: the IDE's git, which does not know the shim.
    const a = run([join(box.bin, "git"), "commit", "-q", "-m", "A", "--", "src/auth.py"], {
      cwd: shop.repo,
      env: at(box.env, AFTER),
    });
    const b = run([REAL_GIT, "commit", "-q", "-m", "B", "--", "tests/test_auth.py"], {
      cwd: shop.repo,
      env: at(box.realEnv, AFTER),
    });
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    settle(box.home);
    expect(shop.traces("HEAD~1")).toEqual([SESSIONS.claude]);
    expect(shop.traces("HEAD")).toEqual([]);
  });

  test("background work never writes the user's config: `git push` then `git config` at once (git's t5516)", () => {
    const remote = join(box.dir, "config-race.git");
    sh(`git init -q --bare ${remote}`, { env: box.realEnv });
    const repo = join(box.home, "work", "config-race");
    agentRepo(repo, "sess-config-race");
    // A remote the shim has not seen yet: added with the real git, so it lacks our refspecs.
    sh(`git remote add down ${remote}`, { cwd: repo, env: box.realEnv });
    const push = run([join(box.bin, "git"), "push", "-q", "down", "main"], { cwd: repo, env: box.env });
    expect(push.exitCode).toBe(0);
    // The refspecs are there when the push returns, and the worker that follows leaves the
    // file alone (else it could hold config.lock when the user's next `git config` runs).
    const config = join(repo, ".git", "config");
    const right = readFileSync(config, "utf8");
    expect(right).toContain("+refs/notes/traces*:refs/notes/remotes/down/traces*");
    const set = run([join(box.bin, "git"), "config", "branch.main.pushremote", "down"], {
      cwd: repo,
      env: box.env,
    });
    expect(set.err).toBe("");
    expect(set.exitCode).toBe(0);
    const afterSet = readFileSync(config, "utf8");
    settle(box.home);
    expect(readFileSync(config, "utf8")).toBe(afterSet);
    expect(afterSet).toBe(`${right}[branch "main"]\n\tpushremote = down\n`);
  });
});

describe("where nobody is at a terminal", () => {
  /** Kills every process whose environment holds `marker` (what a container's end does). */
  function killAllWith(marker: string): number {
    let killed = 0;
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      if (Number(pid) === process.pid) continue;
      try {
        if (!readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker)) continue;
        process.kill(Number(pid), "SIGKILL");
        killed++;
      } catch {
        // gone, or not ours
      }
    }
    return killed;
  }

  test("CI=true: commit and push finish their trace work before returning; a container killed right after loses nothing", () => {
    const remote = join(box.dir, "ci-remote.git");
    sh(`git init -q --bare ${remote}`, { env: box.realEnv });
    const repo = join(box.home, "work", "ci");
    agentRepo(repo, "sess-ci");
    sh(`git remote add origin ${remote}`, { cwd: repo, env: box.realEnv });
    const marker = `GIT_TRACES_TEST_CONTAINER=${Math.random().toString(36).slice(2)}`;
    const env: Record<string, string> = {
      ...inClaude(box.env),
      CI: "true",
      [marker.split("=")[0]!]: marker.split("=")[1]!,
    };
    delete env.GIT_TRACES_SYNC;
    const c = run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", "in CI"], { cwd: repo, env });
    const p = run([join(box.bin, "git"), "push", "-q", "origin", "main"], { cwd: repo, env });
    killAllWith(marker);
    expect([c.exitCode, p.exitCode]).toEqual([0, 0]);
    const head = sh("git rev-parse HEAD", { cwd: repo, env: box.realEnv }).trim();
    expect(sh(`git notes --ref=traces show ${head}`, { cwd: repo, env: box.realEnv })).toContain("traces:sess-ci");
    expect(sh(`git notes --ref=traces show ${head}`, { cwd: remote, env: box.realEnv })).toContain("traces:sess-ci");
  });

  test("no terminal on stdin or stderr is like CI; GIT_TRACES_SYNC=0 keeps the background", () => {
    const repo = join(box.home, "work", "notty");
    agentRepo(repo, "sess-notty");
    const env: Record<string, string> = inClaude(box.env);
    delete env.GIT_TRACES_SYNC;
    // In the foreground, GIT_TRACES_TRACE shows the note written before git traces returns.
    const fg = run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", "fg"], {
      cwd: repo,
      env: { ...env, GIT_TRACES_TRACE: "1" },
    });
    expect(fg.err).toContain("fast-import");
    const bg = run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", "bg"], {
      cwd: repo,
      env: { ...env, GIT_TRACES_SYNC: "0", GIT_TRACES_TRACE: "1" },
    });
    expect(bg.err).not.toContain("fast-import");
    settle(box.home);
    expect(noted(repo, "HEAD~2..HEAD")).toEqual({ total: 2, withNote: 2 });
  });
});

describe("what counts as a candidate", () => {
  test("a session that reported through hooks does not hide one that did not", () => {
    const repo = join(box.home, "work", "hooked");
    agentRepo(repo, "sess-hooked");
    writeClaudeSession(box.home, repo, "sess-unhooked", "src/db.py");
    const transcript = readdirSync(join(box.home, ".claude", "projects")).flatMap((d) =>
      readdirSync(join(box.home, ".claude", "projects", d))
        .filter((f) => f === "sess-hooked.jsonl")
        .map((f) => join(box.home, ".claude", "projects", d, f)),
    )[0]!;
    const hook = run([join(box.bin, "git-traces"), "hook", "claude-code", "SessionStart"], {
      cwd: repo,
      env: box.env,
      input: JSON.stringify({
        session_id: "sess-hooked",
        transcript_path: transcript,
        cwd: repo,
        hook_event_name: "SessionStart",
      }),
    });
    expect(hook.exitCode).toBe(0);
    expect(existsSync(join(repo, ".git", "traces", "active.json"))).toBe(true);
    mkdirSync(join(repo, "src"), { recursive: true });
    writeFileSync(join(repo, "src", "auth.py"), "sess-hooked\n");
    writeFileSync(join(repo, "src", "db.py"), "sess-unhooked\n");
    sh("git add -A", { cwd: repo, env: box.realEnv });
    expect(
      run([join(box.bin, "git"), "commit", "-q", "-m", "both"], { cwd: repo, env: at(box.env, AFTER) }).exitCode,
    ).toBe(0);
    settle(box.home);
    const note = sh("git notes --ref=traces show HEAD", { cwd: repo, env: box.realEnv });
    expect(note).toContain("traces:sess-hooked");
    expect(note).toContain("traces:sess-unhooked");
  });
});

describe("reading right after a commit", () => {
  test("plain `git log --notes=traces -1` and `git notes show` through the shim show the note at once", () => {
    const repo = join(box.home, "work", "read");
    agentRepo(repo, "sess-read");
    const env = inClaude(box.env);
    for (let i = 0; i < 3; i++) {
      expect(
        run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", `r${i}`], { cwd: repo, env }).exitCode,
      ).toBe(0);
      const log = run([join(box.bin, "git"), "log", "--notes=traces", "-1"], { cwd: repo, env });
      expect(log.out).toContain("traces:sess-read");
      expect(
        run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", `s${i}`], { cwd: repo, env }).exitCode,
      ).toBe(0);
      const show = run([join(box.bin, "git"), "notes", "--ref=traces", "show"], { cwd: repo, env });
      expect(show.out).toContain("traces:sess-read");
    }
  });
});

describe("a full disk", () => {
  let mnt = "";
  let mounted = false;
  beforeAll(() => {
    mnt = join(box.dir, "full");
    mkdirSync(mnt, { recursive: true });
    mounted = run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt]).exitCode === 0;
  });
  afterAll(() => {
    if (mounted) run(["umount", "-l", mnt]);
  });

  test("a note that cannot be written is told by the next command, and git's commit stands", () => {
    if (!mounted) {
      console.warn("skipped: cannot mount a tmpfs here (needs root)");
      return;
    }
    const repo = join(mnt, "repo");
    agentRepo(repo, "sess-full");
    // The user's own post-commit hook fills the disk once git has made the commit: the
    // note, written after git exits, finds no room.
    const fill = join(mnt, "fill");
    writeFileSync(
      join(repo, ".git", "hooks", "post-commit"),
      `#!/bin/sh\nhead -c 4194304 /dev/zero > '${fill}' 2>/dev/null\nexit 0\n`,
    );
    chmodSync(join(repo, ".git", "hooks", "post-commit"), 0o755);
    // git-traces' own data (where deferred warnings went) is on the full disk too.
    const env = { ...inClaude(box.env), GIT_TRACES_HOME: join(mnt, "h", ".local", "share", "git-traces") };
    const c = run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", "on a full disk"], { cwd: repo, env });
    expect(c.exitCode).toBe(0);
    settle(join(mnt, "h"));
    const made = sh("git rev-parse --short=12 HEAD", { cwd: repo, env: box.realEnv }).trim();
    expect(sh("git log -1 --format=%s", { cwd: repo, env: box.realEnv }).trim()).toBe("on a full disk");
    expect(noted(repo, "HEAD~1..HEAD").withNote).toBe(0);
    // Room again; the next command says what happened, and how to redo it.
    run(["rm", "-f", fill, join(repo, ".git", "hooks", "post-commit")]);
    const next = run([join(box.bin, "git"), "commit", "--allow-empty", "-m", "next"], { cwd: repo, env });
    expect(next.exitCode).toBe(0);
    expect(next.err).toContain(`git-traces: warning: the traces of commit ${made} were not recorded`);
    expect(next.err).toContain(`git traces attach ${made}`);
  });
});

describe("warnings say what happened", () => {
  test("a stale refs/notes/traces.lock is named, with what to do, not 'kept moving'", () => {
    const repo = join(box.home, "work", "locked");
    agentRepo(repo, "sess-locked");
    const env = inClaude(box.env);
    expect(
      run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", "first"], { cwd: repo, env }).exitCode,
    ).toBe(0);
    settle(box.home);
    writeFileSync(join(repo, ".git", "refs", "notes", "traces.lock"), "");
    const c = run([join(box.bin, "git"), "commit", "-q", "--allow-empty", "-m", "locked"], {
      cwd: repo,
      env: { ...env, GIT_TRACES_SYNC: "1" },
    });
    expect(c.exitCode).toBe(0);
    expect(c.err).toContain(
      `refs/notes/traces is locked: ${join(repo, ".git", "refs", "notes", "traces.lock")} exists`,
    );
    expect(c.err).not.toContain("kept moving");
  });

  test("an unreachable remote is worded from git's error, not from its closing advice", () => {
    const repo = join(box.home, "work", "unreachable");
    agentRepo(repo, "sess-unreachable");
    sh(`git remote add origin ${join(box.dir, "no-such-remote.git")}`, { cwd: repo, env: box.realEnv });
    const r = run([join(box.bin, "git"), "traces", "sync"], { cwd: repo, env: box.env });
    expect(r.err).not.toContain("and the repository exists");
    expect(r.err).toContain("does not appear to be a git repository");
  });
});
