// The repository as `git traces mcp` keeps it between requests: the traces attached to
// commits (every notes ref, parsed once) and the sessions read so far, in memory. Before
// each request one `for-each-ref` tells whether a notes ref moved; only then are the notes
// read again. Paths from requests are confined to the work tree here.

import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { worktreeRoots } from "../../attach/detect.ts";
import { agents } from "../../agents/index.ts";
import type { Env } from "../../agents/types.ts";
import { readRefs } from "../../git/objects.ts";
import type { GitRunner } from "../../git/runner.ts";
import { allAttached, NOTES_REFS, traceIndex, type AttachedTrace, type TraceUse } from "../attached.ts";
import { localSessions, type LocalSession } from "../sessions.ts";
import { McpRequestError } from "./safe.ts";

/** A transcript larger than this is not searched for the edit of a line. */
const MAX_TRANSCRIPT = 64 * 1024 * 1024;

export class McpRepo {
  private notesKey: string | null = null;
  attached = new Map<string, AttachedTrace[]>();
  index = new Map<string, TraceUse>();
  private readonly sessions = new Map<string, LocalSession>();
  private readonly transcripts = new Map<string, string | null>();
  private readonly roots: string[];
  private readonly realTop: string;

  constructor(
    readonly git: GitRunner,
    /** The top of the work tree. */
    readonly top: string,
    readonly env: Env,
  ) {
    this.roots = worktreeRoots(top);
    this.realTop = realpathSync(top);
  }

  get home(): string {
    return this.env.HOME ?? "";
  }

  /** Reads the notes again when a notes ref moved since the last request (or on the first). */
  refresh(): void {
    const refs = readRefs(this.git, NOTES_REFS);
    const key = [...refs].map(([ref, v]) => `${ref} ${v.oid}`).join("\n");
    if (key === this.notesKey) return;
    this.attached = allAttached(this.git);
    this.index = traceIndex(this.attached);
    this.notesKey = key;
    // A session the notes did not name before may be shared content now: look again.
    for (const [id, s] of this.sessions) if (!s.trace) this.sessions.delete(id);
    this.transcripts.clear();
  }

  /**
   * Loads what the first question would load (each agent's session finder, the shared
   * content reader), so that it is not paid for by the first answer.
   */
  async warm(): Promise<void> {
    await Promise.all([...agents().map((a) => a.sessions()), import("../../content/share.ts")]);
  }

  /** The whole sessions behind these IDs: transcript, snapshot or shared content; read once each. */
  async sessionsOf(ids: readonly string[]): Promise<Map<string, LocalSession>> {
    const missing = [...new Set(ids)].filter((id) => !this.sessions.has(id));
    if (missing.length) {
      const found = await localSessions(missing, this.env, this.roots, { elsewhere: { git: this.git } });
      for (const id of missing) this.sessions.set(id, found.get(id) ?? {});
    }
    return new Map(ids.map((id) => [id, this.sessions.get(id) ?? {}]));
  }

  /**
   * The raw transcript of a session read from this machine (at most MAX_TRANSCRIPT bytes),
   * to find which edit wrote a line; null when there is none here. Read once per session.
   */
  transcriptOf(id: string): string | null {
    let text = this.transcripts.get(id);
    if (text !== undefined) return text;
    text = null;
    const path = this.sessions.get(id)?.trace?.transcript;
    try {
      if (path && statSync(path).isFile() && statSync(path).size <= MAX_TRANSCRIPT) text = readFileSync(path, "utf8");
    } catch {
      text = null;
    }
    this.transcripts.set(id, text);
    return text;
  }

  /**
   * A path from a request as a path relative to the top of the work tree (`/` separated).
   * Relative paths are taken from the top. Refused: a path that leaves the work tree, one
   * whose existing part resolves through a symlink to outside it, `.git` inside it, NUL.
   */
  confine(path: string): string {
    if (path === "" || path.includes("\0")) throw new McpRequestError("path must be a non-empty file path", { path });
    const abs = resolve(this.top, path);
    const rel = relative(this.top, abs);
    if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel))
      throw new McpRequestError(`path '${path}' is outside the repository`, { path });
    const parts = rel.split(sep);
    if (parts[0] === ".git") throw new McpRequestError(`path '${path}' is inside .git`, { path });
    // The longest existing prefix, resolved: a symlink on the way must stay inside.
    let probe = abs;
    while (!existsSync(probe) && probe !== this.top) probe = resolve(probe, "..");
    let real: string;
    try {
      real = realpathSync(probe);
    } catch {
      throw new McpRequestError(`path '${path}' cannot be resolved`, { path });
    }
    const realRel = relative(this.realTop, real);
    if (realRel.startsWith(`..${sep}`) || realRel === ".." || isAbsolute(realRel))
      throw new McpRequestError(`path '${path}' leads outside the repository (through a symlink)`, { path });
    return posix.normalize(parts.join("/"));
  }
}
