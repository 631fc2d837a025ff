// "Did you mean": the known names closest to a mistyped one, by git's rule for mistyped
// commands: an edit distance where swapping two neighbours is free, a changed letter costs 2,
// an added one 1 and a dropped one 3, plus 1; a name the typo starts is 0. Names scoring
// SIMILARITY_FLOOR or more are not suggested. Pure.

const SIMILARITY_FLOOR = 7;
const SWAP = 0;
const CHANGE = 2;
const ADD = 1;
const DROP = 3;

/** Weighted optimal-string-alignment distance from `typed` to `known`. */
export function editCost(typed: string, known: string): number {
  const rows = typed.length + 1;
  const cols = known.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let j = 0; j < cols; j++) d[0]![j] = j * ADD;
  for (let i = 1; i < rows; i++) {
    d[i]![0] = i * DROP;
    for (let j = 1; j < cols; j++) {
      const same = typed[i - 1] === known[j - 1];
      let best = d[i - 1]![j - 1]! + (same ? 0 : CHANGE);
      best = Math.min(best, d[i - 1]![j]! + DROP, d[i]![j - 1]! + ADD);
      if (i > 1 && j > 1 && typed[i - 1] === known[j - 2] && typed[i - 2] === known[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + SWAP);
      }
      d[i]![j] = best;
    }
  }
  return d[typed.length]![known.length]!;
}

/** The best-scoring known names for `typed`, or none when nothing is close enough. */
export function suggest(typed: string, known: Iterable<string>): string[] {
  let best = Infinity;
  let found: string[] = [];
  for (const name of new Set(known)) {
    if (name === typed) continue;
    const score = name.startsWith(typed) && typed.length > 1 ? 0 : editCost(typed, name) + 1;
    if (score >= SIMILARITY_FLOOR) continue;
    if (score < best) {
      best = score;
      found = [name];
    } else if (score === best) found.push(name);
  }
  return found.sort();
}

/** "; did you mean 'x'?" or "; did you mean one of 'x', 'y'?", or "" when nothing is close. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const names = suggest(typed, known);
  if (!names.length) return "";
  if (names.length === 1) return `; did you mean '${names[0]}'?`;
  return `; did you mean one of ${names.map((n) => `'${n}'`).join(", ")}?`;
}
