// Cutting a title to length: pure, with no imports, so that the note format (which bounds
// titles too) loads nothing more for it. Titles are made by redact.ts titleFrom, which
// redacts the prompt before it calls cutTitle (docs/redaction.md, "Titles").

export const TITLE_MAX = 80;

// Where a cut may leave part of a secret: tokens by their known prefixes, and long runs of
// the characters keys are made of. (Titles are redacted before they are cut, redact.ts
// titleFrom; this is for what the redactor could not recognise once cut, or did not know.)
const RUN_CHAR = /[A-Za-z0-9_+/=.-]/;
const TRAILING_RUN = /[A-Za-z0-9_+/=.-]+$/;
// Prefixes holding `_` or `-` anywhere in the run; those made of letters alone at its start or after a non-letter.
const SECRET_PREFIX =
  /gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt)-|xox[abprs]-|xapp-|sk-|[spr]k_(?:live|test)_|npm_|pypi-|hf_|(?:^|[^A-Za-z0-9])(?:A(?:KIA|SIA|BIA|CCA)|AIza|eyJ)/;

/**
 * `text` without the partial secret a cut just after it may have left: a redaction marker
 * cut short, or a trailing run of key characters that starts like a known token or is long
 * and mixes letters and digits. `runCut`: whether the cut fell inside that run (unknown: true).
 */
export function dropPartialToken(text: string, runCut = true): string {
  const marker = text.lastIndexOf("[REDACTED:");
  if (marker >= 0 && !text.includes("]", marker)) return text.slice(0, marker);
  if (!runCut) return text;
  const run = TRAILING_RUN.exec(text)?.[0] ?? "";
  const tokenish = run.length >= 16 && /[A-Za-z]/.test(run) && /\d/.test(run);
  return tokenish || SECRET_PREFIX.test(run) ? text.slice(0, text.length - run.length) : text;
}

/**
 * Text as a title: its first line with text, blanks collapsed, cut at a word near `max`
 * characters; a word cut in the middle that may be part of a secret is dropped. Redacts
 * nothing: titles are made by redact.ts titleFrom, which redacts first.
 */
export function cutTitle(text: string, max = TITLE_MAX): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  const flat = line.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  const kept = (space > max / 2 ? cut.slice(0, space) : dropPartialToken(cut, RUN_CHAR.test(flat[max - 1]!))).trimEnd();
  return `${kept}…`;
}
