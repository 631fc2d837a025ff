// The one base of the tool's own errors. Each kind is a subclass with a stable string
// `code` (for scripts and tests) and the details in `data`; its message is written for the
// user. Code that reports errors tells ours from everything else with `instanceof
// TracesError` (src/cli/errors.ts reportError), never by looking for a `code` field: a
// node:fs error has one too, and it is not a message for the user.

export abstract class TracesError extends Error {
  /** Stable across releases: scripts and tests may match on it. */
  abstract readonly code: string;
  /** What the error is about (a ref, a file, a git argv), as plain values for JSON. */
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.data = data;
  }

  toJSON(): { code: string; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}
