// Talking to a remote for the tool's own work: fetching refspecs, pushing `src:dst` pairs
// (with git's porcelain report of each), listing its branches. None of them ever stops to
// ask for a password: nobody is there to answer.

import { gitReason, type GitRunner, type RunOptions } from "./runner.ts";

const NO_PROMPT: RunOptions = { env: { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" } };

/**
 * Fetches refspecs from a remote (a name, URL or path), tags, FETCH_HEAD and submodules
 * left alone. A refspec whose source the remote lacks fetches nothing, which is no error.
 * Returns git's reason when it failed, else null.
 */
export function fetchRefspecs(git: GitRunner, remote: string, refspecs: readonly string[]): string | null {
  const r = git.run(
    ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", remote, ...refspecs],
    NO_PROMPT,
  );
  if (r.exitCode === 0 || /couldn't find remote ref/i.test(r.stderr)) return null;
  return gitReason(r.stderr);
}

export interface PushOptions {
  /** Pass --no-verify (skips the pre-push hook). */
  noVerify?: boolean;
  /** A --signed option, passed on as given. */
  signed?: string | null;
}

/** What `git push --porcelain` said of one `src:dst` pair. */
export interface PushedRef {
  /**
   * `=` up to date, ` ` fast-forward, `+` forced, `*` new, `-` deleted, `!` rejected; ""
   * when git said nothing of it.
   */
  flag: string;
  /** The summary column (`[rejected] (fetch first)`, `[remote rejected] (hook declined)`, ...). */
  summary: string;
}

export interface PushReport {
  /** By `src:dst` as given. */
  refs: Map<string, PushedRef>;
  exitCode: number;
  stderr: string;
}

/** One `git push --porcelain` of `src:dst` pairs (never forced unless a pair says `+`). */
export function pushRefspecs(
  git: GitRunner,
  remote: string,
  specs: readonly string[],
  opts: PushOptions = {},
): PushReport {
  const args = [
    "push",
    "--porcelain",
    "--no-recurse-submodules",
    ...(opts.noVerify ? ["--no-verify"] : []),
    ...(opts.signed ? [opts.signed] : []),
    remote,
    ...specs,
  ];
  const r = git.run(args, NO_PROMPT);
  const refs = new Map<string, PushedRef>();
  for (const spec of specs) {
    // <flag> TAB <from>:<to> TAB <summary> [(<reason>)]
    const line = r.stdout.split("\n").find((l) => l.split("\t")[1] === spec) ?? "";
    const [flag = "", , summary = ""] = line.split("\t");
    refs.set(spec, { flag, summary });
  }
  return { refs, exitCode: r.exitCode, stderr: r.stderr };
}

/**
 * The commits a remote's branches and tags point at, asked of the remote (`git ls-remote`),
 * peeled tags included; git's reason when the remote cannot be reached.
 */
export function remoteTips(git: GitRunner, remote: string): { tips: string[] } | { error: string } {
  const r = git.run(["ls-remote", "--heads", "--tags", remote], NO_PROMPT);
  if (r.exitCode !== 0)
    return {
      error:
        r.stderr
          .trim()
          .split("\n")
          .pop()
          ?.replace(/^(fatal|error): /, "") || `git ls-remote exited ${r.exitCode}`,
    };
  const tips = new Set<string>();
  for (const line of r.stdout.split("\n")) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\trefs\//.exec(line);
    if (m) tips.add(m[1]!);
  }
  return { tips: [...tips] };
}
