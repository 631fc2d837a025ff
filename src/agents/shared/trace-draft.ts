// What a reader learns of a session while it goes through the transcript, and the Trace it
// makes of that at the end. Every reader kept the same accumulators (ID, cwd, branch,
// version, first and last times, models, tool calls, messages, tokens, title) and closed
// them into the same object; they share this one.

import {
  emptyTokens,
  isTraceId,
  type AgentName,
  type FileWrite,
  type Message,
  type Tokens,
  type ToolCall,
  type Trace,
} from "../../traces/model.ts";
import { titleFrom } from "../../traces/redact.ts";
import { TranscriptError, type ReadOptions } from "../types.ts";
import { titleContext } from "./paths.ts";

export class TraceDraft {
  id: string | undefined;
  /** Where the session ran (its first working directory). */
  cwd: string | undefined;
  branch: string | undefined;
  agentVersion: string | undefined;
  provider: string | undefined;
  title = "";
  start: string | undefined;
  end: string | undefined;
  readonly models: string[] = [];
  readonly tools: ToolCall[] = [];
  /** What the edit tools wrote, from their payloads (Trace.writes). */
  readonly writes: FileWrite[] = [];
  messages: Message[] = [];
  tokens: Tokens = emptyTokens();
  /** Absolute roots that file paths are made relative to (ReadOptions.roots). */
  readonly roots: readonly string[];
  /** Enough for a note: message texts are left empty (ReadOptions.summary). */
  readonly summary: boolean;

  constructor(
    readonly agent: AgentName,
    /** The file (or locator) the session was read from. */
    readonly transcript: string,
    private readonly opts: ReadOptions = {},
  ) {
    this.roots = opts.roots ?? [];
    this.summary = opts.summary === true;
  }

  /** A time the transcript gives (ISO 8601): the session spans it. */
  seen(at: string | undefined): void {
    if (!at) return;
    if (!this.start || at < this.start) this.start = at;
    if (!this.end || at > this.end) this.end = at;
  }

  /** A model the session used: listed once, in the order first used. */
  usedModel(model: string | undefined): void {
    if (model && !this.models.includes(model)) this.models.push(model);
  }

  /** The title, from the first prompt that gives one (redacted, one line, shortened). */
  titleFrom(prompt: string): void {
    if (!this.title) this.title = titleFrom(prompt, titleContext(this.opts.env));
  }

  /** The trace; a TranscriptError saying `noId` when the session has no valid ID. */
  finish(noId = "the session ID is not a valid trace ID"): Trace {
    const { id, agentVersion, provider, start, end, cwd, branch } = this;
    if (!isTraceId(id)) throw new TranscriptError(this.transcript, noId);
    return {
      id,
      agent: this.agent,
      ...(agentVersion ? { agentVersion } : {}),
      models: this.models,
      ...(provider ? { provider } : {}),
      title: this.title,
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      ...(cwd ? { cwd } : {}),
      ...(branch ? { branch } : {}),
      transcript: this.transcript,
      tools: this.tools,
      messages: this.messages,
      tokens: this.tokens,
      ...(this.writes.length ? { writes: this.writes } : {}),
    };
  }
}
