// Trace IDs become note lines and file names: nothing outside this set, ever. Kept apart
// from model.ts (valibot) so that code on the commit path can check IDs without loading it.

export const TRACE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isTraceId(id: unknown): id is string {
  return typeof id === "string" && TRACE_ID.test(id);
}
