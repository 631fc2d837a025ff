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

let loaded: Libc | null | undefined;

export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== "linux") return null;
  try {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const lib = dlopen("libc.so.6", {
      execv: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
      isatty: { args: [FFIType.i32], returns: FFIType.i32 },
    });
    loaded = lib.symbols as unknown as Libc;
  } catch {
    loaded = null; // musl or an unusual layout
  }
  return loaded;
}
