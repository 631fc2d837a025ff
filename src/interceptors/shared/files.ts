import { existsSync, readFileSync } from "node:fs";

/** Lines of a file that name commits (sequencer todo lists, our squash record). */
export function commitsInFile(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .map((l) => /\b([0-9a-f]{40}(?:[0-9a-f]{24})?)\b/.exec(l)?.[1] ?? /^(?:pick|p)\s+([0-9a-f]{4,64})\b/.exec(l)?.[1])
      .filter((x): x is string => Boolean(x));
  } catch {
    return [];
  }
}
