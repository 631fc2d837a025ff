// Markdown from untrusted text: what a renderer needs so that a prompt, a file name or a
// reply pasted into a pull request cannot break the document around it, ping people or
// smuggle terminal escapes (every piece is sanitised first).

import { sanitize, sanitizeLine } from "../traces/sanitize.ts";

// Characters with a meaning in CommonMark or GitHub's flavour wherever they stand (`@` and
// `#` would mention people and issues); CommonMark lets any ASCII punctuation be escaped.
const INLINE = /[\\`*_[\]<>|~&@#!]/g;
// Block markers that only matter at the start of a line: `-`, `+`, `=`, and `1.` / `1)`,
// whose punctuation is what takes the escape.
const LINE_START = /^(\s*)([-+=]|\d+)([.)]?)(?=\s|$)/;

function escapeLine(line: string): string {
  return line.replace(INLINE, "\\$&").replace(LINE_START, (all, space: string, marker: string, dot: string) => {
    if (dot) return `${space}${marker}\\${dot}`;
    return /\d/.test(marker) ? all : `${space}\\${marker}`;
  });
}

/** Plain text as Markdown that shows exactly that text: one line. */
export function mdText(text: string): string {
  return escapeLine(sanitizeLine(text));
}

/** Plain text of several lines as Markdown: every line escaped, line breaks kept. */
export function mdLines(text: string): string {
  return sanitize(text).split("\n").map(escapeLine).join("  \n");
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** A code span that holds any one line, backticks included. */
export function mdCode(text: string): string {
  const safe = sanitizeLine(text);
  const ticks = "`".repeat(longestRun(safe, "`") + 1);
  const pad = safe.startsWith("`") || safe.endsWith("`") || safe === "" ? " " : "";
  return `${ticks}${pad}${safe}${pad}${ticks}`;
}

/** A fenced code block that no line of `text` can close early. */
export function mdFence(text: string, lang = ""): string {
  const safe = sanitize(text).replace(/\n+$/, "");
  const fence = "`".repeat(Math.max(3, longestRun(safe, "`") + 1));
  return `${fence}${lang}\n${safe}\n${fence}`;
}

/** A block quote around Markdown: whatever the text opens (a fence, an HTML comment) ends with the quote. */
export function mdQuote(markdown: string): string {
  return markdown
    .split("\n")
    .map((l) => (l === "" ? ">" : `> ${l}`))
    .join("\n");
}

/** An http(s) URL as a link; anything else (or a URL with spaces or brackets) as code. */
export function mdUrl(url: string): string {
  const safe = sanitizeLine(url);
  return /^https?:\/\/[^\s<>`]+$/.test(safe) ? `<${safe}>` : mdCode(safe);
}

/** A table cell: pipes not escaped yet would end the cell (GFM splits on them even inside code). */
export function mdCell(markdown: string): string {
  return markdown.replace(/(?<!\\)\|/g, "\\|");
}

/** Indents every line but the first, for blocks inside list items. */
export function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}
