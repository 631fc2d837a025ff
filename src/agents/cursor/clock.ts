// Times for a transcript that records none. What is known for certain is the file's
// modification time: every byte in it was written by then. Each time git-traces reads the
// transcript it remembers that fact as (size, mtime); a later read, when the session has
// written more, then knows that the first `size` bytes were on disk by `mtime`. A line's
// time is the earliest such bound for the bytes up to its end: an upper bound, and the
// bound that matters, since a commit can only hold an edit made before it.
//
// Kept in <data home>/cache/cursor-clock.json (transcript -> "size:mtime,..."); a cache:
// lost, every line takes the file's modification time.

import { HeaderCache } from "../shared/header-cache.ts";
import type { Env } from "../types.ts";

/** Bounds kept per transcript: the first one and the latest. */
const MAX_BOUNDS = 64;

interface Bound {
  size: number;
  mtimeMs: number;
}

function parseBounds(text: string | undefined): Bound[] {
  if (!text) return [];
  const out: Bound[] = [];
  for (const part of text.split(",")) {
    const m = /^(\d{1,15}):(\d{1,15}(?:\.\d+)?)$/.exec(part);
    if (m) out.push({ size: Number(m[1]), mtimeMs: Number(m[2]) });
  }
  return out;
}

export class LineClock {
  private readonly bounds: Bound[];
  private readonly cache: HeaderCache | undefined;

  /**
   * `size` and `mtimeMs` are the file's as read now. With `env`, earlier bounds are used
   * and this one is remembered; without, every line gets `mtimeMs`.
   */
  constructor(
    env: Env | undefined,
    private readonly key: string,
    size: number,
    private readonly mtimeMs: number,
  ) {
    let known: Bound[] = [];
    this.cache = env ? new HeaderCache(env, "cursor-clock") : undefined;
    if (this.cache) {
      known = parseBounds(this.cache.get(key));
      // A file shorter than it was has been rewritten: what was known no longer holds.
      if (known.some((b) => b.size > size)) known = [];
    }
    const same = known.find((b) => b.size === size);
    if (same) same.mtimeMs = Math.min(same.mtimeMs, mtimeMs);
    else known.push({ size, mtimeMs });
    known.sort((a, b) => a.size - b.size);
    if (known.length > MAX_BOUNDS) known.splice(1, known.length - MAX_BOUNDS);
    this.bounds = known;
  }

  /** When the bytes up to `end` were on disk at the latest (ms since the epoch). */
  at(end: number): number {
    let best = this.mtimeMs;
    for (const b of this.bounds) if (b.size >= end && b.mtimeMs < best) best = b.mtimeMs;
    return best;
  }

  /** Remembers the bounds for the next read; never throws. */
  save(): void {
    if (!this.cache) return;
    this.cache.set(this.key, this.bounds.map((b) => `${b.size}:${Math.ceil(b.mtimeMs)}`).join(","));
    this.cache.save();
  }
}
