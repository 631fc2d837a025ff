// `git-traces hook <agent> <event>` (hidden): what the agents' hooks run. Reads the JSON
// payload on stdin and records the session as active in the worktree it ran in. It must
// never get in the agent's way: it always exits 0, says at most one line on stderr, does
// nothing outside a git repository, and waits for its input at most STDIN_WAIT_MS (an
// agent that never closes the hook's stdin must not keep it waiting).

import { agent, AGENTS } from "../../agents/index.ts";
import { identifyAgent } from "../../agents/identify.ts";
import { recordActivity } from "../../agents/shared/active.ts";
import { regularOrAbsent } from "../../agents/shared/safe-file.ts";
import { repoState } from "../../git/repo.ts";
import { GitRunner } from "../../git/runner.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";

const MAX_PAYLOAD = 32 * 1024 * 1024;
/** How long the payload may take to arrive, end of input included. */
export const STDIN_WAIT_MS = 3000;

/**
 * The payload on stdin: up to its end, MAX_PAYLOAD bytes, or STDIN_WAIT_MS, whichever comes
 * first. `ended` is false when the time ran out (what came may still be a whole payload).
 */
async function readStdin(): Promise<{ text: string; ended: boolean }> {
  const reader = Bun.stdin.stream().getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), STDIN_WAIT_MS);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") return { text: Buffer.concat(chunks).toString("utf8"), ended: false };
      if (next.done) return { text: Buffer.concat(chunks).toString("utf8"), ended: true };
      size += next.value.length;
      if (size > MAX_PAYLOAD) throw new Error("payload larger than 32 MiB; ignored");
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {}); // the process exits next: nothing more is read
  }
}

/** Copilot CLI runs a repository's Claude Code hooks with Claude's payload shape: its session folder tells. */
async function copilotSession(
  payload: unknown,
  env: Record<string, string | undefined>,
): Promise<"copilot-cli" | null> {
  const { dataDirs } = await AGENTS["copilot-cli"].sessions();
  const { isCopilotPayload } = await import("../../agents/copilot-cli/payload.ts");
  return dataDirs(env).some((dir) => isCopilotPayload(payload, `${dir}`)) ? "copilot-cli" : null;
}

export async function runHook(agentName: string, event: string, deps: Deps, input?: string): Promise<number> {
  const say = (msg: string) => deps.io.err(`git-traces hook: ${msg}\n`);
  try {
    const named = agent(agentName);
    if (!named) {
      say(`unknown agent '${agentName}'`);
      return 0;
    }
    const { text, ended } = input !== undefined ? { text: input, ended: true } : await readStdin();
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      say(
        ended
          ? `${named.displayName} sent a payload that is not JSON; ignored`
          : `no whole payload on stdin within ${STDIN_WAIT_MS / 1000} s; ignored`,
      );
      return 0;
    }
    // The payload says who sent it; the hook's config may belong to another agent.
    const sender = identifyAgent(payload) ?? (await copilotSession(payload, deps.env));
    const a = sender && sender !== named.name ? agent(sender) : named;
    if (!a) {
      say(
        `a ${sender} session called ${named.displayName}'s hook; ` +
          `this build cannot read ${sender} sessions, so it is not recorded`,
      );
      return 0;
    }
    const parsed = (await a.payload())(payload, event);
    if (!parsed) {
      say(`${a.displayName} sent a payload without a usable session ID; ignored`);
      return 0;
    }
    // A transcript path that names a FIFO, a device or a directory is not kept: the session
    // is then found by its ID. (Readers check again: the path may change meanwhile.)
    const { transcript, ...rest } = parsed;
    const ev = transcript && !regularOrAbsent(transcript) ? rest : parsed;
    const real = deps.realGit();
    if (!real) return 0;
    const cwd = ev.cwd ?? process.cwd();
    const git = new GitRunner({ git: real.path, cwd, env: deps.env });
    let state;
    try {
      state = repoState(git);
    } catch {
      return 0; // cwd gone
    }
    if (!state) return 0; // not a repository: nothing to record
    recordActivity(state.gitDir, ev, deps.now());
    return 0;
  } catch (e) {
    say((e as Error).message.split("\n")[0] ?? "failed");
    return 0;
  }
}

export default defineTracesCommand({
  meta: { name: "hook", description: "Record an agent session as active (run by the agents' hooks)", hidden: true },
  args: {
    // Optional, so that a bad call still exits 0 instead of failing the agent with a usage error.
    agent: { type: "positional", description: "Agent name", required: false },
    event: { type: "positional", description: "Hook event", required: false },
  },
  run: (ctx) => runHook(String(ctx.args.agent ?? ""), String(ctx.args.event ?? ""), depsOf(ctx)),
});
