// `git traces check`: a policy gate over a range, pure. A commit that changed files fails
// `requireTraces` when no note names a trace for it, and `maxAgentShare` when the share of
// its files that traces edited is above the limit. The share counts files until notes carry
// line ranges (docs/notes-format.md); a trace whose note lists no files counts for all of
// the commit's files, so that a gate never passes on what it cannot see.

import type { AttachedTrace } from "./attached.ts";

export interface CheckPolicy {
  requireTraces: boolean;
  /** Percent, 0-100; undefined: no limit. */
  maxAgentShare?: number;
}

export interface CheckedCommit {
  oid: string;
  subject: string;
  files: string[];
}

export interface CheckFailure {
  commit: string;
  subject: string;
  rule: "require-traces" | "max-agent-share";
  /** Percent of the commit's files that traces edited (max-agent-share). */
  share?: number;
  agentFiles?: number;
  files: number;
}

export interface CheckReport {
  commits: number;
  /** Commits that changed no file, or merges: no rule applies to them. */
  skipped: number;
  failures: CheckFailure[];
}

/** The share of the commit's files that its traces edited, in percent, and how many. */
export function agentShare(
  files: readonly string[],
  traces: readonly AttachedTrace[],
): { share: number; count: number } {
  if (files.length === 0) return { share: 0, count: 0 };
  const changed = new Set(files);
  const edited = new Set<string>();
  for (const t of traces) {
    if (t.files === undefined) return { share: 100, count: files.length };
    for (const f of t.files) if (changed.has(f)) edited.add(f);
  }
  return { share: (edited.size * 100) / files.length, count: edited.size };
}

export function checkCommits(
  commits: readonly CheckedCommit[],
  attached: ReadonlyMap<string, readonly AttachedTrace[]>,
  policy: CheckPolicy,
): CheckReport {
  const report: CheckReport = { commits: commits.length, skipped: 0, failures: [] };
  for (const c of commits) {
    if (c.files.length === 0) {
      report.skipped++;
      continue;
    }
    const traces = attached.get(c.oid) ?? [];
    const base = { commit: c.oid, subject: c.subject, files: c.files.length };
    if (policy.requireTraces && traces.length === 0) report.failures.push({ ...base, rule: "require-traces" });
    if (policy.maxAgentShare !== undefined && traces.length) {
      const { share, count } = agentShare(c.files, traces);
      if (share > policy.maxAgentShare)
        report.failures.push({ ...base, rule: "max-agent-share", share: Math.round(share), agentFiles: count });
    }
  }
  return report;
}

/** One line per failing commit, for people and CI logs. */
export function failureLine(f: CheckFailure, limit?: number): string {
  const head = `${f.commit.slice(0, 12)} ${f.subject}`;
  if (f.rule === "require-traces") return `${head}: changed ${f.files} file(s) and has no trace`;
  return `${head}: agent share ${f.share}% (${f.agentFiles} of ${f.files} files) is above ${limit}%`;
}
