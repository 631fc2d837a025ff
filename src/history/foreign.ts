// Other tools' notes, read-only (docs/notes-format.md, "Other tools"): git-ai's
// refs/notes/ai, git-atrace's refs/notes/atrace, Hugging Face's refs/notes/hf-traces.
// Each parser is pure and total: garbage gives no trace, never an exception.

import type { ForeignNotes } from "./attached.ts";

export const FOREIGN_NOTES: readonly ForeignNotes[] = [];
