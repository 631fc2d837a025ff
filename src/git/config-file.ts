// Reading and removing values in one git config file (`git config --file`), wherever the
// repository it belongs to is: the full uninstall takes out the refspecs git-traces added.

import { exactValuePattern } from "./config.ts";
import type { GitRunner } from "./runner.ts";

/** The values of `key` in `file`; [] when it has none, null when git could not read the file. */
export function configFileValues(git: GitRunner, file: string, key: string): string[] | null {
  const r = git.run(["config", "--file", file, "-z", "--get-all", key], { noContext: true });
  if (r.exitCode === 1) return [];
  if (r.exitCode !== 0) return null;
  return r.stdout.split("\0").slice(0, -1);
}

/** Takes every `key = value` line with exactly this value out of `file`; true when git did. */
export function unsetConfigFileValue(git: GitRunner, file: string, key: string, value: string): boolean {
  return (
    git.run(["config", "--file", file, "--unset-all", key, exactValuePattern(value)], { noContext: true }).exitCode ===
    0
  );
}
