// Directories git-traces makes inside a repository, made only below one that still exists.
// A background worker may run on after the user removed the repository (`rm -rf repo && git
// clone <url> repo`, as git's own t5516 does): a recursive mkdir would bring the path back,
// and the clone would fail with "destination path 'repo' already exists".

import { nodeFs } from "./lazy-fs.ts";

/**
 * Makes `dir` and the missing directories between it and `root`, never `root` itself:
 * ENOENT when `root` is gone (or goes meanwhile: each step is a plain mkdir).
 */
export function makeDirsUnder(root: string, dir: string): void {
  const fs = nodeFs();
  if (dir !== root && !dir.startsWith(`${root}/`)) throw new Error(`${dir} is not under ${root}`);
  fs.statSync(root);
  let path = root;
  for (const part of dir.slice(root.length).split("/")) {
    if (!part) continue;
    path = `${path}/${part}`;
    try {
      fs.mkdirSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}
