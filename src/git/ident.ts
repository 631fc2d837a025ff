// Who a commit the tool makes is by: a name the caller gives, else git's own committer identity.

import type { GitRunner } from "./runner.ts";

/** `+hhmm` for this machine's time zone now, as git writes it. */
function tzOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const abs = Math.abs(minutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  return `${minutes < 0 ? "-" : "+"}${hhmm}`;
}

/** `Name <email> <time> <zone>` now: `who` (`Name <email>`) when given, else git's committer identity. */
export function committerIdent(git: GitRunner, who?: string): string {
  if (!who) return git.out(["var", "GIT_COMMITTER_IDENT"]).trim();
  const now = new Date();
  return `${who} ${Math.floor(now.getTime() / 1000)} ${tzOffset(now)}`;
}

/** `Name <email>` as the committer (and author) of a commit git makes itself, when the caller knows it. */
export function identityEnv(ident?: string): { env: Record<string, string> } | undefined {
  const m = ident ? /^(.*) <(.*)>$/.exec(ident) : null;
  return m
    ? {
        env: { GIT_COMMITTER_NAME: m[1]!, GIT_COMMITTER_EMAIL: m[2]!, GIT_AUTHOR_NAME: m[1]!, GIT_AUTHOR_EMAIL: m[2]! },
      }
    : undefined;
}
