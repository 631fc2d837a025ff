// `--since` as people write it for git: a date (2026-12-01, 2026-12-01T10:00Z) or an age
// (`2.weeks`, `3 days ago`, `yesterday`). Pure; `now` is given.

import { UsageError } from "../errors.ts";

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 30 * 86_400,
  year: 365 * 86_400,
};

/** The moment `--since <value>` names. */
export function parseSince(value: string, now: Date): Date {
  const text = value.trim().toLowerCase();
  if (text === "yesterday") return new Date(now.getTime() - UNIT_SECONDS.day! * 1000);
  if (text === "now" || text === "today") return text === "now" ? now : new Date(now.toISOString().slice(0, 10));
  const age = /^(\d+)[. ]?(second|minute|hour|day|week|month|year)s?(\.| )?(ago)?$/.exec(text);
  if (age) return new Date(now.getTime() - Number(age[1]) * UNIT_SECONDS[age[2]!]! * 1000);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(value.trim());
    if (Number.isFinite(t)) return new Date(t);
  }
  throw new UsageError(`--since: cannot read '${value}' as a date (2026-12-01, 2.weeks, 3 days ago)`, {
    option: "--since",
    value,
  });
}
