// The Agent Trace JSON Schema (test/fixtures/specs, a copy of the project's shared spec),
// compiled by a real validator: draft 2020-12, with uuid, date-time and uri checked.

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const schema = JSON.parse(
  readFileSync(join(import.meta.dir, "..", "fixtures", "specs", "agent-trace.schema.json"), "utf8"),
);
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const check = ajv.compile(schema);

/** The schema's complaints about a record, [] when it is valid. */
export function schemaErrors(record: unknown): string[] {
  if (check(record)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
