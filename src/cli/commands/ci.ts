// `git traces ci init [--github|--gitlab]`: writes the CI file that posts the summary of
// each pull request and carries traces after a squash or rebase merge (docs/ci.md).
// Idempotent: the same file again is no change; a different file there is refused
// without --force.

import { nodeFs } from "../../base/lazy-fs.ts";
import { githubWorkflow } from "../ci/github.ts";
import { gitlabCi } from "../ci/gitlab.ts";
import { defaultPins, type CiPins } from "../ci/pins.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { requireWorktree } from "../shared/repo.ts";

export type Forge = "github" | "gitlab";

export interface CiInitOptions {
  forge: Forge;
  force: boolean;
  json: boolean;
  /** A tag or full commit ID of git-traces to build in CI; default v<this version>. */
  ref?: string;
  source?: string;
}

export const CI_FILES: Record<Forge, string> = {
  github: ".github/workflows/git-traces.yml",
  gitlab: ".gitlab/git-traces.gitlab-ci.yml",
};

export function ciFile(forge: Forge, pins: CiPins): string {
  return forge === "github" ? githubWorkflow(pins) : gitlabCi(pins);
}

const SAFE_REF = /^(?:v?\d+\.\d+\.\d+[A-Za-z0-9.-]*|[0-9a-f]{40})$/;
const SAFE_SOURCE = /^(?:https:\/\/|file:\/\/\/)[A-Za-z0-9._~:/@%+-]+$/;

export function runCiInit(opts: CiInitOptions, deps: Deps): number {
  const pins = defaultPins();
  if (opts.ref !== undefined) {
    if (!SAFE_REF.test(opts.ref))
      throw new UsageError(`--ref takes a version tag (v1.2.3) or a full commit ID, not '${opts.ref}'`);
    pins.ref = opts.ref;
  }
  if (opts.source !== undefined) {
    if (!SAFE_SOURCE.test(opts.source)) throw new UsageError(`--source takes an https:// URL, not '${opts.source}'`);
    pins.source = opts.source;
  }
  const { topLevel } = requireWorktree(deps);
  const fs = nodeFs();
  const rel = CI_FILES[opts.forge];
  const path = `${topLevel}/${rel}`;
  const text = ciFile(opts.forge, pins);
  let before: string | null = null;
  try {
    before = fs.readFileSync(path, "utf8");
  } catch {
    before = null;
  }
  const state = before === null ? "written" : before === text ? "unchanged" : opts.force ? "replaced" : "refused";
  if (state === "refused")
    throw new CliError(`${rel} exists and differs from what git-traces writes; pass --force to replace it`, "EXISTS", {
      path: rel,
    });
  if (state !== "unchanged") {
    fs.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    fs.writeFileSync(path, text);
  }
  if (opts.json) deps.io.out(`${JSON.stringify({ forge: opts.forge, path: rel, state, ...pins }, null, 2)}\n`);
  else {
    deps.io.out(`${state} ${rel} (git-traces ${pins.ref}, Bun ${pins.bun})\n`);
    if (opts.forge === "gitlab")
      deps.io.err(
        `include it from .gitlab-ci.yml (include: - local: ${rel}) and set GIT_TRACES_TOKEN; see docs/ci.md\n`,
      );
    else deps.io.err("commit it; pull requests get a summary comment from then on (docs/ci.md)\n");
  }
  return 0;
}

export default defineTracesCommand({
  meta: { name: "ci", description: "Set up CI: a summary on each pull request, traces carried after merges" },
  subCommands: {
    init: defineTracesCommand({
      meta: { name: "init", description: "Write the CI workflow for GitHub Actions (default) or GitLab CI" },
      args: {
        github: { type: "boolean", description: "Write .github/workflows/git-traces.yml (the default)" },
        gitlab: { type: "boolean", description: "Write .gitlab/git-traces.gitlab-ci.yml, to include" },
        ref: { type: "string", description: "The git-traces tag or commit ID CI builds", valueHint: "ref" },
        source: { type: "string", description: "The git-traces repository CI builds from", valueHint: "url" },
        force: { type: "boolean", description: "Replace a file that differs from what git-traces writes" },
        ...jsonArgs,
      },
      examples: ["git traces ci init", "git traces ci init --gitlab", "git traces ci init --ref v0.1.0 --force"],
      run: (ctx) => {
        if (ctx.args.github && ctx.args.gitlab) throw new UsageError("--github and --gitlab cannot be used together");
        if (ctx.args._.length) throw new UsageError(`ci init takes no arguments, not '${ctx.args._[0]}'`);
        return runCiInit(
          {
            forge: ctx.args.gitlab ? "gitlab" : "github",
            force: Boolean(ctx.args.force),
            json: Boolean(ctx.args.json),
            ...(typeof ctx.args.ref === "string" ? { ref: ctx.args.ref } : {}),
            ...(typeof ctx.args.source === "string" ? { source: ctx.args.source } : {}),
          },
          depsOf(ctx),
        );
      },
    }),
  },
  examples: ["git traces ci init", "git traces ci init --gitlab"],
});
