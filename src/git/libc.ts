// The few libc calls the shim needs and Bun does not offer, loaded once through bun:ffi.
// Linux with glibc only: elsewhere libc() returns null and callers keep Bun's behaviour.
// bun:ffi is required lazily: loading it and libc costs about 1.5 ms, which a plain
// pass-through call does not pay (see needsLibc in exec.ts).

export interface Libc {
  execv(path: Uint8Array, argv: BigUint64Array): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  poll(fds: Int32Array, count: number, timeout: number): number;
  isatty(fd: number): number;
}

/** What spawning a child with argv bytes of our choosing takes (src/git/raw-exec.ts). */
export interface LibcSpawn {
  posix_spawn(
    pid: Int32Array,
    path: Uint8Array,
    actions: null,
    attr: Uint8Array,
    argv: BigUint64Array,
    envp: BigUint64Array,
  ): number;
  posix_spawnattr_init(attr: Uint8Array): number;
  posix_spawnattr_destroy(attr: Uint8Array): number;
  posix_spawnattr_setflags(attr: Uint8Array, flags: number): number;
  posix_spawnattr_setsigdefault(attr: Uint8Array, set: Uint8Array): number;
  posix_spawnattr_setsigmask(attr: Uint8Array, set: Uint8Array): number;
  waitpid(pid: number, status: Int32Array, options: number): number;
}

let loaded: Libc | null | undefined;
let loadedSpawn: LibcSpawn | null | undefined;

function open<T>(symbols: Record<string, { args: string[]; returns: string }>): T | null {
  if (process.platform !== "linux") return null;
  try {
    const { dlopen } = require("bun:ffi") as typeof import("bun:ffi");
    return dlopen("libc.so.6", symbols as Parameters<typeof dlopen>[1]).symbols as unknown as T;
  } catch {
    return null; // musl or an unusual layout
  }
}

export function libc(): Libc | null {
  if (loaded === undefined) {
    loaded = open<Libc>({
      execv: { args: ["ptr", "ptr"], returns: "i32" },
      fcntl: { args: ["i32", "i32", "i32"], returns: "i32" },
      poll: { args: ["ptr", "u64", "i32"], returns: "i32" },
      isatty: { args: ["i32"], returns: "i32" },
    });
  }
  return loaded;
}

/** Loaded apart from libc(): only a child whose argv is not UTF-8 needs it. */
export function libcSpawn(): LibcSpawn | null {
  if (loadedSpawn === undefined) {
    const ptr = (n: number) => ({ args: Array<string>(n).fill("ptr"), returns: "i32" });
    loadedSpawn = open<LibcSpawn>({
      posix_spawn: ptr(6),
      posix_spawnattr_init: ptr(1),
      posix_spawnattr_destroy: ptr(1),
      posix_spawnattr_setflags: { args: ["ptr", "i16"], returns: "i32" },
      posix_spawnattr_setsigdefault: ptr(2),
      posix_spawnattr_setsigmask: ptr(2),
      waitpid: { args: ["i32", "ptr", "i32"], returns: "i32" },
    });
  }
  return loadedSpawn;
}
