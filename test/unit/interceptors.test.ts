import { expect, test } from "bun:test";
import { INTERCEPTORS } from "../../src/interceptors/index.ts";
import { INTERCEPTED } from "../../src/interceptors/names.ts";
import { hasOption, operands } from "../../src/interceptors/shared/args.ts";
import { COMMIT_ARGS } from "../../src/interceptors/commit.ts";

test("the shim's list of intercepted names and the interceptor map agree", () => {
  expect([...INTERCEPTED].sort()).toEqual(Object.keys(INTERCEPTORS).sort());
  expect(INTERCEPTORS.constructor).toBeUndefined();
});

test("reading a command's options: values are skipped, bundles and -- are understood", () => {
  expect(hasOption(["-m", "--amend"], ["--amend"], COMMIT_ARGS)).toBe(false); // the message is "--amend"
  expect(hasOption(["--amend", "-m", "x"], ["--amend"], COMMIT_ARGS)).toBe(true);
  expect(hasOption(["-am", "msg"], ["-a"], COMMIT_ARGS)).toBe(true);
  expect(hasOption(["-mfoo", "--dry-run"], ["--dry-run"], COMMIT_ARGS)).toBe(true);
  expect(hasOption(["--", "--dry-run"], ["--dry-run"], COMMIT_ARGS)).toBe(false);
  expect(hasOption(["--cleanup=strip", "--porcelain"], ["--porcelain"], COMMIT_ARGS)).toBe(true);
  expect(
    operands(["-m", "1", "abc", "--strategy", "ours", "def", "--", "x"], { withValue: ["-m", "--strategy"] }),
  ).toEqual(["abc", "def", "x"]);
});

test("the notes push takes the user's own --signed option as given", async () => {
  const { signedOption } = await import("../../src/interceptors/push.ts");
  expect(signedOption(["origin", "main"])).toBeNull();
  expect(signedOption(["--signed", "origin"])).toBe("--signed");
  expect(signedOption(["--signed=if-asked", "origin"])).toBe("--signed=if-asked");
  expect(signedOption(["--signed", "--no-signed", "origin"])).toBe("--no-signed");
  expect(signedOption(["origin", "--", "--signed"])).toBeNull();
});
