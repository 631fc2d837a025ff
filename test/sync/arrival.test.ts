// Notes arrive with the command that brings the commits, whatever its form: shallow and
// single-branch clones (CI checkouts), submodules that git clones itself, and fetches or
// pulls that name what to fetch (`git fetch origin main`, `git pull origin main`) or a URL.
// Each remote is a bare repository (reached through file://, so that --depth is honoured)
// whose notes were made with plain git; every check runs right after the one command.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, requireBinary, run, settle, type Result, type Sandbox } from "../helpers/sandbox.ts";
import { cloneShape } from "../../src/interceptors/clone.ts";
import { sourceWithoutNotes } from "../../src/interceptors/fetch.ts";

let box: Sandbox;
let n = 0;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("arrival");
  // Submodules over file:// (git 2.38.1 and later allow it only when told).
  real(["config", "--global", "protocol.file.allow", "always"], box.home);
});
afterEach(() => box?.cleanup());

/** git through the shim, then background trace work settled. */
function shim(args: string[], cwd: string): Result {
  const r = run([join(box.bin, "git"), ...args], { cwd, env: box.env });
  settle(box.home);
  return r;
}

/** The real git alone, no shim on PATH. */
function real(args: string[], cwd: string): Result {
  const r = run([REAL_GIT, ...args], { cwd, env: box.realEnv });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r;
}

/** `git notes --ref=traces list` of a repository: "<note blob> <commit>" lines, sorted. */
function notes(repo: string, ref = "traces"): string[] {
  const r = run([REAL_GIT, "notes", `--ref=${ref}`, "list"], { cwd: repo, env: box.realEnv });
  return r.out.split("\n").filter(Boolean).sort();
}

interface Remote {
  /** The bare repository. */
  path: string;
  /** file:// URL of it. */
  url: string;
  /** A clone with plain git, where commits and notes are made and pushed from. */
  seed: string;
}

/** A bare remote whose commits each carry a note `traces:<id>`, made and pushed with plain git. */
function notedRemote(ids: readonly string[], name = `r${n++}`): Remote {
  const path = join(box.dir, "remotes", `${name}.git`);
  const seed = join(box.dir, "seeds", name);
  mkdirSync(seed, { recursive: true });
  real(["init", "-q", "--bare", "-b", "main", path], box.dir);
  real(["init", "-q", "-b", "main"], seed);
  const remote = { path, url: `file://${path}`, seed };
  for (const id of ids) addNoted(remote, id);
  return remote;
}

/** One more commit on the remote's main, with a note naming `id`. */
function addNoted(remote: Remote, id: string): void {
  writeFileSync(join(remote.seed, `${id}.txt`), `${id}\n`);
  real(["add", `${id}.txt`], remote.seed);
  real(["commit", "-q", "-m", id], remote.seed);
  real(["notes", "--ref=traces", "add", "-m", `traces:${id}`], remote.seed);
  real(["push", "-q", remote.path, "main", "refs/notes/traces"], remote.seed);
}

/** What `git traces log` says about HEAD (its trace IDs). */
function headTraces(repo: string): string {
  const r = shim(["traces", "log", "-n", "1"], repo);
  expect(r.exitCode).toBe(0);
  return r.out;
}

function lines(file: string): string[] {
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

test("a depth-1 clone brings every note, and stays depth 1", () => {
  const remote = notedRemote(["d-1", "d-2", "d-3"]);
  const clone = join(box.dir, "shallow");
  const r = shim(["clone", "-q", "--depth", "1", remote.url, clone], box.dir);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(notes(clone)).toEqual(notes(remote.path));
  expect(notes(clone)).toHaveLength(3);
  expect(headTraces(clone)).toContain("d-3");
  // The notes' own history came whole; the code's did not deepen.
  expect(lines(join(clone, ".git", "shallow"))).toEqual([real(["rev-parse", "HEAD"], clone).out.trim()]);
  expect(real(["rev-list", "--count", "HEAD"], clone).out.trim()).toBe("1");
  expect(real(["config", "--get-all", "remote.origin.fetch"], clone).out).toContain(
    "+refs/notes/traces*:refs/notes/remotes/origin/traces*",
  );
});

test("a single-branch clone of one branch brings every note", () => {
  const remote = notedRemote(["s-1", "s-2"]);
  real(["push", "-q", remote.path, "main:other"], remote.seed);
  const clone = join(box.dir, "single");
  const r = shim(["clone", "-q", "--single-branch", "--branch", "main", remote.url, clone], box.dir);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(notes(clone)).toEqual(notes(remote.path));
  expect(headTraces(clone)).toContain("s-2");
  expect(real(["for-each-ref", "--format=%(refname)", "refs/remotes"], clone).out).not.toContain("other");
});

test("a CI checkout (init, remote add, fetch --depth=1 of one commit) brings every note with its fetch", () => {
  const remote = notedRemote(["ci-1", "ci-2"]);
  const sha = real(["rev-parse", "main"], remote.path).out.trim();
  const work = join(box.dir, "ci");
  mkdirSync(work);
  real(["init", "-q"], work);
  real(["remote", "add", "origin", remote.url], work);
  const r = shim(
    [
      "fetch",
      "--no-tags",
      "--prune",
      "--no-recurse-submodules",
      "--depth=1",
      "origin",
      `+${sha}:refs/remotes/origin/main`,
    ],
    work,
  );
  expect(r.exitCode).toBe(0);
  expect(notes(work)).toEqual(notes(remote.path));
  real(["checkout", "-q", "--detach", "refs/remotes/origin/main"], work);
  expect(headTraces(work)).toContain("ci-2");
  expect(real(["rev-list", "--count", "HEAD"], work).out.trim()).toBe("1");
});

test("`git fetch origin main` brings the notes; FETCH_HEAD names main alone, as with git", () => {
  const remote = notedRemote(["f-1"]);
  const clone = join(box.dir, "plain");
  real(["clone", "-q", remote.url, clone], box.dir); // made without the shim: no notes refspec yet
  addNoted(remote, "f-2");
  const r = shim(["fetch", "origin", "main"], clone);
  expect(r.exitCode).toBe(0);
  expect(notes(clone)).toEqual(notes(remote.path));
  expect(notes(clone)).toHaveLength(2);
  const fetchHead = lines(join(clone, ".git", "FETCH_HEAD"));
  expect(fetchHead).toHaveLength(1);
  expect(fetchHead[0]).toMatch(/^[0-9a-f]{40}\t\tbranch 'main' of /);
  // What git itself printed, and nothing else.
  expect(r.err).toMatch(
    /^From .*\n \* branch +main +-> FETCH_HEAD\n +[0-9a-f]+\.\.[0-9a-f]+ +main +-> origin\/main\n$/,
  );
});

test("`git pull origin main` fast-forwards to main alone and brings its notes", () => {
  const remote = notedRemote(["p-1"]);
  const clone = join(box.dir, "pull");
  real(["clone", "-q", remote.url, clone], box.dir);
  addNoted(remote, "p-2");
  const r = shim(["pull", "-q", "origin", "main"], clone);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(real(["rev-parse", "HEAD"], clone).out).toBe(real(["rev-parse", "main"], remote.path).out);
  expect(real(["rev-list", "--count", "--merges", "HEAD"], clone).out.trim()).toBe("0");
  expect(notes(clone)).toEqual(notes(remote.path));
  expect(headTraces(clone)).toContain("p-2");
});

test("a fetch or pull from a URL that is no named remote brings that repository's notes too", () => {
  const origin = notedRemote(["u-1"]);
  const fork = notedRemote(["u-1"]); // same first commit, its note made again
  addNoted(fork, "u-fork");
  const clone = join(box.dir, "url");
  expect(shim(["clone", "-q", origin.url, clone], box.dir).exitCode).toBe(0);
  const r = shim(["pull", "-q", "--ff-only", fork.url, "main"], clone);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(notes(clone)).toEqual(notes(fork.path));
  expect(headTraces(clone)).toContain("u-fork");
  // Tracked under the URL's key, as a push to a URL is.
  expect(real(["for-each-ref", "--format=%(refname)", "refs/notes/remotes"], clone).out).toMatch(
    /refs\/notes\/remotes\/_url-[0-9a-f]{12}\/traces/,
  );
});

test("`git fetch --all` brings the notes of every remote", () => {
  const one = notedRemote(["a-1"]);
  const two = notedRemote(["a-2"]);
  const clone = join(box.dir, "all");
  real(["clone", "-q", one.url, clone], box.dir);
  real(["remote", "add", "two", two.url], clone);
  expect(shim(["fetch", "-q", "--all"], clone).exitCode).toBe(0);
  expect(notes(clone)).toEqual([...notes(one.path), ...notes(two.path)].sort());
});

/** A superproject remote whose commit has a note and holds `lib` at vendor/lib. */
function superWith(lib: Remote): Remote {
  const top = notedRemote(["top-1"], `top${n}`);
  real(["submodule", "add", "-q", lib.url, "vendor/lib"], top.seed);
  real(["commit", "-q", "-m", "lib"], top.seed);
  real(["notes", "--ref=traces", "add", "-m", "traces:top-2"], top.seed);
  real(["push", "-q", top.path, "main", "refs/notes/traces"], top.seed);
  return top;
}

test("a clone with --recurse-submodules brings the submodules' notes; later recursive fetches bring new ones", () => {
  const lib = notedRemote(["lib-1"], "lib");
  const top = superWith(lib);

  const clone = join(box.dir, "super");
  const r = shim(["clone", "-q", "--recurse-submodules", top.url, clone], box.dir);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(notes(clone)).toEqual(notes(top.path));
  const sub = join(clone, "vendor", "lib");
  expect(notes(sub)).toEqual(notes(lib.path));
  expect(headTraces(sub)).toContain("lib-1");
  expect(real(["config", "--get-all", "remote.origin.fetch"], clone).out).toContain(
    "+refs/notes/traces*:refs/notes/remotes/origin/traces*",
  );
  expect(real(["config", "--get-all", "remote.origin.fetch"], sub).out).toContain(
    "+refs/notes/traces*:refs/notes/remotes/origin/traces*",
  );

  // A note added upstream to the submodule's commit arrives with the superproject's fetch.
  real(["notes", "--ref=traces", "append", "-m", "traces:lib-late", "main"], lib.seed);
  real(["push", "-q", lib.path, "refs/notes/traces"], lib.seed);
  expect(shim(["fetch", "-q", "--recurse-submodules=yes"], clone).exitCode).toBe(0);
  expect(notes(sub)).toEqual(notes(lib.path));
  expect(headTraces(sub)).toContain("lib-late");
  expect(existsSync(join(clone, ".git", "modules", "vendor", "lib", "traces", "sync.json"))).toBe(true);
});

test("a depth-1 clone with --recurse-submodules and a remote of its own name brings every note", () => {
  // git passes --single-branch down to the submodules' clones here.
  const lib = notedRemote(["lib-1", "lib-2"], "lib1");
  const top = superWith(lib);
  const clone = join(box.dir, "super-shallow");
  const r = shim(["clone", "-q", "--depth", "1", "--origin", "up", "--recurse-submodules", top.url, clone], box.dir);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(notes(clone)).toEqual(notes(top.path));
  expect(notes(join(clone, "vendor", "lib"))).toEqual(notes(lib.path));
  expect(real(["rev-list", "--count", "HEAD"], clone).out.trim()).toBe("1");
  expect(real(["config", "--get-regexp", "^remote\\."], clone).out).not.toContain("remote.origin.");
});

test("which fetches and pulls need the notes fetched on their own", async () => {
  const named = ["origin", "up"];
  const cases: [string[], string | null][] = [
    [[], null],
    [["-q"], null],
    [["origin"], null],
    [["--all"], null],
    [["--multiple", "origin", "up"], null],
    [["a-group"], null], // remotes.a-group: its members' configured refspecs
    [["."], null],
    [[".", "main:other"], null],
    [["origin", "main"], "origin"],
    [["--depth=1", "origin", "+abc:refs/remotes/origin/main"], "origin"],
    [["--depth", "1", "up", "main"], "up"],
    [["-j", "2", "origin", "main"], "origin"],
    [["--log", "origin", "main"], "origin"], // --log takes no separate value
    [["--rebase", "origin", "main"], "origin"],
    [["--stdin", "origin"], "origin"],
    [["--", "origin", "main"], "origin"],
    [["file:///srv/fork.git"], "file:///srv/fork.git"],
    [["../fork", "main"], "../fork"],
    [["git@host:fork.git", "main"], "git@host:fork.git"],
    [["origin", "refs/notes/traces:refs/notes/traces"], null],
    [["origin", "+refs/*:refs/*"], null],
    [["origin", "main", "^refs/notes/x"], "origin"],
  ];
  for (const [args, want] of cases) expect([args, await sourceWithoutNotes(args, named)]).toEqual([args, want]);
});

test("which clones fetch one branch, and which recurse", () => {
  const cases: [string[], { singleBranch: boolean; submodules: boolean }][] = [
    [["url"], { singleBranch: false, submodules: false }],
    [["--depth", "1", "url"], { singleBranch: true, submodules: false }],
    [["--depth=1", "--no-single-branch", "url"], { singleBranch: false, submodules: false }],
    [["--shallow-since=2020-01-01", "url"], { singleBranch: true, submodules: false }],
    [["--single-branch", "-b", "main", "url"], { singleBranch: true, submodules: false }],
    [["--recurse-submodules", "url"], { singleBranch: false, submodules: true }],
    [["--recurse-submodules=lib", "--depth", "1", "url"], { singleBranch: true, submodules: true }],
    [["--recursive", "--no-recurse-submodules", "url"], { singleBranch: false, submodules: false }],
    [["--config", "--depth", "url"], { singleBranch: false, submodules: false }], // a value, not an option
  ];
  for (const [args, want] of cases) expect([args, cloneShape(args)]).toEqual([args, want]);
});
