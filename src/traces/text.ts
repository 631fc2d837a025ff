// Small pieces of text every history renderer shares: numbers, times, durations, and
// untrusted text cut to size after it was made safe (sanitize.ts).

import { sanitize, sanitizeLine } from "./sanitize.ts";

/**
 * The longest of some lengths (0 for none). Not Math.max(...xs): spreading a list into
 * arguments overflows the stack past some 100,000 items, and shared content is untrusted.
 */
export function longest(lengths: Iterable<number>): number {
  let max = 0;
  for (const n of lengths) if (n > max) max = n;
  return max;
}

/** Appends items one by one (`out.push(...items)` overflows the stack for long lists). */
export function append<T>(out: T[], items: Iterable<T>): T[] {
  for (const x of items) out.push(x);
  return out;
}

/** 3242 -> "3,242". */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** "1 commit", "2 commits"; `plural` when adding an s will not do. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}

function cutAt(text: string, max: number): string {
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never half a surrogate pair
  return text.slice(0, end);
}

/** One line of untrusted text, safe and at most `max` characters (a marker shows the cut). */
export function clipLine(text: string, max = 200): string {
  const safe = sanitizeLine(text);
  return safe.length <= max ? safe : `${cutAt(safe, max - 1)}…`;
}

export interface Clipped {
  text: string;
  /** Lines left out (0 when nothing was cut). */
  hiddenLines: number;
  /** Characters left out. */
  hiddenChars: number;
}

/** Untrusted text of several lines, safe, cut to at most `maxLines` lines and `maxChars` characters. */
export function clipBlock(text: string, maxLines: number, maxChars: number): Clipped {
  const safe = sanitize(text.replace(/\r\n?/g, "\n")).replace(/\n+$/, "");
  let kept = safe;
  const lines = safe.split("\n");
  if (lines.length > maxLines) kept = lines.slice(0, maxLines).join("\n");
  if (kept.length > maxChars) kept = cutAt(kept, maxChars);
  if (kept === safe) return { text: safe, hiddenLines: 0, hiddenChars: 0 };
  const keptLines = kept.split("\n").length;
  return { text: kept, hiddenLines: lines.length - keptLines, hiddenChars: safe.length - kept.length };
}

/** What a cut left out, for the marker after it: "12 more lines" or "3,000 more characters". */
export function hiddenText(c: Clipped): string {
  return c.hiddenLines > 0 ? `${plural(c.hiddenLines, "more line")}` : `${plural(c.hiddenChars, "more character")}`;
}

/** An RFC 3339 time as `2026-11-20 10:00:05 UTC`; untrusted input that is no time is shown as it is, made safe. */
export function utcTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return clipLine(iso, 40);
  return `${new Date(t).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The time of day (`10:00:05`), or the whole UTC time when it falls on another day than `day`. */
export function timeOfDay(iso: string | undefined, day: string | undefined): string | undefined {
  if (!iso) return undefined;
  const full = utcTime(iso);
  if (!full?.endsWith(" UTC")) return full;
  return day && utcTime(day)?.slice(0, 10) === full.slice(0, 10) ? full.slice(11, 19) : full;
}

/** From start to end as `6m 48s`, `2h 5m`, `12s`; undefined when either is missing or unreadable. */
export function duration(start: string | undefined, end: string | undefined): string | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
