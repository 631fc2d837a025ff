// JSON Lines as agents write them: one record a line, appended while the session runs.
// A line that is not JSON is skipped and counted; a last line cut off mid-write is
// dropped (a later read sees it whole); no line is too long.

import { TranscriptError } from "../types.ts";

export interface JsonlRead {
  records: unknown[];
  /** Lines that were not JSON, the cut-off tail included. */
  skipped: number;
  /**
   * With `byteEnds`: for each record, the UTF-8 byte offset just past its line (its newline
   * included): how much of the file had to exist for the record to be there.
   */
  ends?: number[];
}

/** Lines at least this long are candidates for `skim`. */
const LONG_LINE = 4096;

export interface ParseOptions {
  /**
   * For long lines: true when the record cannot matter beyond its time (a tool's output, say).
   * Such a line is not parsed; its record is just `{ timestamp }`.
   */
  skim?: (line: string) => boolean;
  /** Also return each record's end as a byte offset in the file (`ends`). */
  byteEnds?: boolean;
}

const TIMESTAMP = /"timestamp"\s*:\s*"([^"\\]{10,40})"/;

export function parseJsonl(text: string, opts: ParseOptions = {}): JsonlRead {
  const records: unknown[] = [];
  const ends: number[] | undefined = opts.byteEnds ? [] : undefined;
  let skipped = 0;
  let start = 0;
  let bytes = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    const line = raw.trim();
    start = end + 1;
    if (ends) bytes += Buffer.byteLength(raw) + (end < text.length ? 1 : 0);
    const before = records.length;
    if (line === "") continue;
    // Cheap check before the real parse: every record is an object.
    if (line[0] !== "{") {
      skipped++;
      continue;
    }
    if (opts.skim && line.length >= LONG_LINE && opts.skim(line)) {
      // The time is all we take; the timestamp key comes first or last in agents' records.
      const at = TIMESTAMP.exec(line.slice(0, 200)) ?? TIMESTAMP.exec(line.slice(-300));
      records.push(at ? { timestamp: at[1] } : {});
      if (ends) ends.push(bytes);
      continue;
    }
    try {
      records.push(JSON.parse(line));
    } catch {
      skipped++;
    }
    if (ends && records.length > before) ends.push(bytes);
  }
  return ends ? { records, skipped, ends } : { records, skipped };
}

export async function readJsonl(path: string, opts: ParseOptions = {}): Promise<JsonlRead> {
  return parseJsonl(await Bun.file(path).text(), opts);
}

/** readJsonl() for a transcript: a file that cannot be read is a TranscriptError. */
export async function readTranscriptJsonl(path: string, opts: ParseOptions = {}): Promise<JsonlRead> {
  try {
    return await readJsonl(path, opts);
  } catch (e) {
    throw new TranscriptError(path, (e as Error).message);
  }
}

/** The first `"key":"value"` string in raw JSON text, unescaped; for headers read in part. */
export function firstStringField(text: string, key: string): string | undefined {
  const m = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return undefined;
  }
}
