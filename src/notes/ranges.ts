// The line ranges of a `traces-meta:` line's "lines" field (docs/notes-format.md): 1-based,
// inclusive, ascending, comma-separated, as in `3-10,15`. Pure.

/** 1-based line numbers as ranges: `3-10,15`. */
export function toRanges(lines: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

const RANGE = /^(\d+)(?:-(\d+))?$/;

/** Ranges a reader takes from one file's field; a longer one is not read (untrusted input). */
export const MAX_RANGES = 10_000;

/**
 * `3-10,15` as [start, end] pairs (inclusive, 1-based); null when it is not that grammar
 * (ranges ascending and apart, at most MAX_RANGES).
 */
export function parseRanges(text: string): [number, number][] | null {
  if (text === "") return [];
  const out: [number, number][] = [];
  const parts = text.split(",");
  if (parts.length > MAX_RANGES) return null;
  for (const part of parts) {
    const m = RANGE.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b < a || !Number.isSafeInteger(b) || a <= (out.at(-1)?.[1] ?? 0)) return null;
    out.push([a, b]);
  }
  return out;
}

/** Ranges in any order, overlapping or touching, as sorted disjoint ones (touching ones joined). */
export function mergeRanges(pairs: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...pairs].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Another tool's ranges (git-ai's attestation lines: `1-10,15-20`), read leniently: parts
 * in any order, bad parts skipped, at most MAX_RANGES read.
 */
export function looseRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const part of text.split(",").slice(0, MAX_RANGES)) {
    const m = RANGE.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a >= 1 && b >= a && Number.isSafeInteger(b)) out.push([a, b]);
  }
  return mergeRanges(out);
}
