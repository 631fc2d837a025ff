// Shallow clones (CI checks out with --depth 1): which commits are cut off from their
// parents, and fetching more history behind some commits. `git traces carry` needs each
// commit it compares whole, parent included.

import { nodeFs } from "../base/lazy-fs.ts";
import { gitReason, type GitRunner } from "./runner.ts";

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The commits whose parents a shallow clone lacks (its `shallow` file); empty in a full clone. */
export function shallowCommits(git: GitRunner): Set<string> {
  const r = git.run(["rev-parse", "--is-shallow-repository"]);
  if (r.stdout.trim() !== "true") return new Set();
  const path = git.out(["rev-parse", "--path-format=absolute", "--git-path", "shallow"]).trim();
  try {
    const text = nodeFs().readFileSync(path, "utf8");
    return new Set(text.split("\n").filter((l) => OID.test(l)));
  } catch {
    return new Set();
  }
}

/**
 * Fetches `depth` more commits of history behind `tips` (IDs or the remote's ref names) from
 * `remote`, tags and FETCH_HEAD left alone, never asking for a password. git's reason when
 * it failed, else null.
 */
export function deepen(git: GitRunner, remote: string, tips: readonly string[], depth: number): string | null {
  const r = git.run(
    [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-write-fetch-head",
      "--no-recurse-submodules",
      `--deepen=${depth}`,
      "--end-of-options",
      remote,
      ...tips,
    ],
    { env: { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" } },
  );
  return r.exitCode === 0 ? null : gitReason(r.stderr) || `git fetch exited with ${r.exitCode}`;
}
