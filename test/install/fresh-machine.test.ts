// The README's set-up command on a machine with node, npm and git but no bun: the installer
// installs bun with npm, builds from a clean copy of the source, and the shim works.
// Slow (npm and a full build): about 20 s.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, ROOT, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeAll(() => {
  box = makeSandbox("fresh");
});
afterAll(() => box?.cleanup());

/** A bin directory with everything /usr/bin and /bin hold, except bun. */
function pathWithoutBun(): string {
  const dir = join(box.dir, "system-bin");
  mkdirSync(dir, { recursive: true });
  for (const src of ["/usr/bin", "/bin"]) {
    for (const name of readdirSync(src)) {
      if (name === "bun" || name === "bunx" || existsSync(join(dir, name))) continue;
      symlinkSync(join(src, name), join(dir, name));
    }
  }
  return dir;
}

test("scripts/install.sh installs bun with npm, builds, and the shim runs git", () => {
  const source = join(box.dir, "source");
  cpSync(ROOT, source, {
    recursive: true,
    filter: (p) => !/\/(node_modules|dist|\.git)(\/|$)/.test(p.slice(ROOT.length)),
  });
  const systemBin = pathWithoutBun();
  const npmPrefix = join(box.dir, "npm-global");
  // Keep the machine's way to the registry (its npm config, CA bundle and proxy): a user's
  // fresh install has those too.
  const network: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/.test(k)
    )
      network[k] = v;
  }
  const userNpmrc = join(process.env.HOME ?? "/root", ".npmrc");
  if (existsSync(userNpmrc)) network.npm_config_userconfig = userNpmrc;
  const env = {
    ...network,
    HOME: box.home,
    PATH: systemBin,
    SHELL: "/bin/sh",
    npm_config_prefix: npmPrefix, // `npm install -g` lands here, not in the machine's global prefix
    npm_config_update_notifier: "false",
  };
  expect(run(["/bin/sh", "-c", "command -v bun || echo none"], { env }).out).toBe("none\n");
  const prefix = join(box.dir, "prefix");
  const r = run(["/bin/sh", join(source, "scripts", "install.sh"), "--prefix", prefix], { env, timeout: 300_000 });
  expect(r.err).not.toContain("error");
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("installing it with npm install -g bun");
  expect(existsSync(join(prefix, "bin", "git-traces"))).toBe(true);
  const shell = run([
    "/usr/bin/env",
    "-i",
    `HOME=${box.home}`,
    `PATH=${systemBin}`,
    "/bin/sh",
    "-lc",
    "command -v git && git --version && git traces doctor",
  ]);
  expect(shell.out).toContain(`${prefix}/bin/git\ngit version`);
  expect(shell.err).toContain("No problems found.");
  expect(shell.exitCode).toBe(0);
}, 300_000);
