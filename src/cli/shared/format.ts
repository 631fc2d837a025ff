// The output formats of the reading commands (show, summary): text by default, --markdown
// or --json, never both. Spread `formatArgs` into a command's args; read them with
// outputFormat() in the wiring, before any work starts.

import { colorArgs, jsonArgs } from "../command.ts";
import { UsageError } from "../errors.ts";

export type OutputFormat = "text" | "markdown" | "json";

export const formatArgs = {
  markdown: { type: "boolean", description: "Print Markdown, for a pull request or an agent's context" },
  ...jsonArgs,
  ...colorArgs,
} as const;

export function outputFormat(args: { markdown?: boolean; json?: boolean }): OutputFormat {
  if (args.markdown && args.json) throw new UsageError("--markdown and --json cannot be used together");
  return args.json ? "json" : args.markdown ? "markdown" : "text";
}
