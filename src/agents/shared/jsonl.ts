// JSON Lines as agents write them: one record a line, appended while the session runs.
// A line that is not JSON is skipped and counted; a last line cut off mid-write is
// dropped (a later read sees it whole); no line is too long.

export interface JsonlRead {
  records: unknown[];
  /** Lines that were not JSON, the cut-off tail included. */
  skipped: number;
}

export function parseJsonl(text: string): JsonlRead {
  const records: unknown[] = [];
  let skipped = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    // Cheap check before the real parse: every record is an object.
    if (line[0] !== "{") {
      skipped++;
      continue;
    }
    try {
      records.push(JSON.parse(line));
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

export async function readJsonl(path: string): Promise<JsonlRead> {
  return parseJsonl(await Bun.file(path).text());
}

/** Reads at most `bytes` from the start of a file: enough to identify a session. */
export async function readHead(path: string, bytes: number): Promise<string> {
  return Bun.file(path).slice(0, bytes).text();
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
