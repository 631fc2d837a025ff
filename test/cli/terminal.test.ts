// `git traces` in a real terminal: a pseudo-terminal made by script(1) from util-linux. The
// pager is chosen and started as git does it (a recording GIT_PAGER shows it ran and what it
// got), --no-pager and pager.traces=false hold, and colour follows color.ui, --color and the
// terminal as git's own colour does. Skipped where script(1) is missing.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";
import { makeShop, type Shop } from "../helpers/shop.ts";

const SCRIPT = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
const ESC = "\u001b[";
const PAGED = [["log"], ["blame", "src/auth.py"], ["show", "HEAD"], ["list"], ["summary", "HEAD"]];

let box: Sandbox;
let shop: Shop;
let recorder: string;
let record: string;
let paged: string;

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Runs `git <args>` through the shim on a pseudo-terminal `cols` wide; returns what the terminal showed. */
function inTerminal(args: string[], env: Record<string, string | undefined> = {}, cols = 160) {
  rmSync(record, { force: true });
  rmSync(paged, { force: true });
  const command = `stty cols ${cols} rows 50; ${[join(box.bin, "git"), ...args].map(quote).join(" ")}; echo "<rc=$?>"`;
  const r = run([SCRIPT!, "-qec", command, "/dev/null"], {
    cwd: shop.repo,
    env: { ...box.env, NO_COLOR: undefined, TERM: "xterm", GIT_PAGER: recorder, ...env },
  });
  const status = /<rc=(\d+)>/.exec(r.out)?.[1];
  return {
    out: r.out,
    status: status === undefined ? null : Number(status),
    pagerRan: existsSync(record),
    pagerEnv: existsSync(record) ? readFileSync(record, "utf8") : "",
    paged: existsSync(paged) ? readFileSync(paged, "utf8") : "",
  };
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("terminal");
  shop = makeShop(box, ["claude-code"]);
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  recorder = join(box.dir, "pager.sh");
  record = join(box.dir, "pager-env");
  paged = join(box.dir, "paged");
  writeFileSync(
    recorder,
    `#!/bin/sh\necho "LESS=$LESS LV=$LV IN_USE=$GIT_PAGER_IN_USE" > ${quote(record)}\ncat > ${quote(paged)}\n`,
  );
  chmodSync(recorder, 0o755);
});

afterAll(() => box?.cleanup());

describe.skipIf(!SCRIPT)("pager", () => {
  for (const cmd of PAGED)
    test(`${cmd[0]} pages through GIT_PAGER on a terminal, with git's LESS and LV`, () => {
      const r = inTerminal(["traces", ...cmd]);
      expect(r.status).toBe(0);
      expect(r.pagerRan).toBe(true);
      expect(r.pagerEnv.trim()).toBe("LESS=FRX LV=-c IN_USE=true");
      expect(r.paged.length).toBeGreaterThan(0);
    });

  test("LESS and LV already set are kept", () => {
    const r = inTerminal(["traces", "log"], { LESS: "-S", LV: "x" });
    expect(r.pagerEnv.trim()).toBe("LESS=-S LV=x IN_USE=true");
  });

  test("--no-pager, -P and pager.traces=false print to the terminal", () => {
    for (const args of [
      ["--no-pager", "traces", "log"],
      ["-P", "traces", "log"],
      ["-c", "pager.traces=false", "traces", "log"],
    ]) {
      const r = inTerminal(args);
      expect(r.status).toBe(0);
      expect(r.pagerRan).toBe(false);
      expect(r.out).toContain("Add login");
    }
  });

  test("commands that do not page, unless -p asks", () => {
    expect(inTerminal(["traces", "status"]).pagerRan).toBe(false);
    expect(inTerminal(["-p", "traces", "status"]).pagerRan).toBe(true);
  });

  test("the pager is chosen as git chooses: GIT_PAGER, core.pager, PAGER; cat or empty means none", () => {
    const viaConfig = inTerminal(["-c", `core.pager=${recorder}`, "traces", "log"], { GIT_PAGER: undefined });
    expect(viaConfig.pagerRan).toBe(true);
    const viaPager = inTerminal(["traces", "log"], { GIT_PAGER: undefined, PAGER: recorder });
    expect(viaPager.pagerRan).toBe(true);
    const cat = inTerminal(["-c", `core.pager=${recorder}`, "traces", "log"], { GIT_PAGER: "cat" });
    expect(cat.pagerRan).toBe(false);
    expect(cat.out).toContain("Add login");
    const named = inTerminal(["-c", `pager.traces=${recorder}`, "traces", "log"], { GIT_PAGER: "cat" });
    expect(named.pagerRan).toBe(true);
  });

  test("quitting the pager early is not an error", () => {
    const r = inTerminal(["traces", "log"], { GIT_PAGER: "head -c 5 >/dev/null" });
    expect(r.status).toBe(0);
    expect(r.out).not.toContain("git-traces:");
  });

  test("a signal ends the command as with git: once the pager has gone, status 128 + the signal", () => {
    const done = join(box.dir, "pager-done");
    rmSync(done, { force: true });
    // The pager interrupts the command (as Ctrl-C would, a moment after it starts), then goes
    // on reading until its input ends.
    const pager = `sleep 0.2; kill -INT $PPID; sleep 0.3; cat >/dev/null; echo done > ${quote(done)}`;
    const r = inTerminal(["traces", "log"], { GIT_PAGER: pager });
    expect(r.status).toBe(130);
    expect(existsSync(done)).toBe(true);
  });

  test("never in a pipe", () => {
    const r = run([join(box.bin, "git"), "traces", "log"], {
      cwd: shop.repo,
      env: { ...box.env, GIT_PAGER: recorder },
    });
    expect(r.exitCode).toBe(0);
    expect(existsSync(record)).toBe(false);
    expect(r.out).toContain("Add login");
  });
});

describe.skipIf(!SCRIPT)("colour", () => {
  test("paged output is coloured as git colours for a pager; color.ui=never and --no-color hold", () => {
    expect(inTerminal(["traces", "log"]).paged).toContain(ESC);
    expect(inTerminal(["-c", "color.ui=never", "traces", "log"]).paged).not.toContain(ESC);
    expect(inTerminal(["-c", "color.pager=false", "traces", "log"]).paged).not.toContain(ESC);
    expect(inTerminal(["traces", "log", "--no-color"]).paged).not.toContain(ESC);
    expect(inTerminal(["-c", "color.ui=never", "traces", "log", "--color=always"]).paged).toContain(ESC);
  });

  test("on the terminal without a pager, as git: colour unless told not to", () => {
    expect(inTerminal(["--no-pager", "traces", "status"]).out).toContain("with traces here");
    expect(inTerminal(["--no-pager", "traces", "log"]).out).toContain(ESC);
    expect(inTerminal(["--no-pager", "-c", "color.ui=never", "traces", "log"]).out).not.toContain(ESC);
    expect(inTerminal(["--no-pager", "traces", "log"], { NO_COLOR: "1" }).out).not.toContain(ESC);
  });

  for (const cmd of [...PAGED, ["status"]])
    test(`${cmd[0]} takes --color=always, --color and --no-color; a pipe has no colour unless asked`, () => {
      const git = (args: string[], env: Record<string, string | undefined> = {}) =>
        run([join(box.bin, "git"), ...args], { cwd: shop.repo, env: { ...box.env, NO_COLOR: undefined, ...env } });
      const plain = git(["traces", ...cmd]);
      expect(plain.exitCode).toBe(0);
      expect(plain.out).not.toContain(ESC);
      expect(git(["traces", ...cmd, "--no-color"]).exitCode).toBe(0);
      const always = git(["traces", ...cmd, "--color=always"]);
      expect(always.exitCode).toBe(0);
      if (cmd[0] !== "status") expect(always.out).toContain(ESC);
      const bare = git(["traces", ...cmd, "--color"]);
      expect(bare.exitCode).toBe(0);
      const config = git(["-c", "color.ui=always", "traces", ...cmd]);
      expect(config.exitCode).toBe(0);
      if (cmd[0] !== "status") expect(config.out).toContain(ESC);
    });
});

describe.skipIf(!SCRIPT)("widths", () => {
  const blameRows = (cols: number) => {
    const r = inTerminal(["--no-pager", "traces", "blame", "--no-color", "src/auth.py"], {}, cols);
    expect(r.status).toBe(0);
    return r.out
      .replace(/\r/g, "")
      .split("\n")
      .filter((l) => /^\^?[0-9a-f]{7,8} /.test(l));
  };

  test("blame at 160 columns: git's layout plus agent, short model and short ID", () => {
    const rows = blameRows(160);
    expect(rows.length).toBeGreaterThan(1);
    const traced = rows.find((l) => l.includes("3f6c1d2e"))!;
    expect(traced).toMatch(/^[0-9a-f]{8} claude-code sonnet-4\.5 3f6c1d2e \(Dev Eloper /);
  });

  test("blame at 80 columns: the model gives way, then the agent; the ID and git's columns stay", () => {
    const rows = blameRows(80);
    const traced = rows.find((l) => l.includes("3f6c1d2e"))!;
    expect(traced).not.toContain("sonnet");
    expect(traced).toMatch(/^[0-9a-f]{8} (\S* )?3f6c1d2e \(Dev Eloper 2026-11-20 10:08:00 \+0000 +\d+\) /);
    // git's own columns plus the short ID alone.
    const git = run([REAL_GIT, "blame", "src/auth.py"], { cwd: shop.repo, env: box.realEnv }).out.split("\n")[0]!;
    for (const row of rows) expect(row.indexOf(") ")).toBeLessThanOrEqual(git.indexOf(") ") + 1 + 8);
  });

  test("blame in a pipe: the whole compact column, no colour", () => {
    const r = run([join(box.bin, "git"), "traces", "blame", "src/auth.py"], {
      cwd: shop.repo,
      env: { ...box.env, NO_COLOR: undefined },
    });
    expect(r.out).toContain("claude-code sonnet-4.5 3f6c1d2e (");
    expect(r.out).not.toContain(ESC);
  });
});

test("the real git is what the sandbox runs", () => {
  expect(existsSync(REAL_GIT)).toBe(true);
});
