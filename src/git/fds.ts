// Bun marks every file descriptor it inherits close-on-exec when it starts (measured with
// Bun 1.4.5 on Linux). Left alone, `GIT_TRACE=3 git status 3>trace.log`, a jobserver pipe
// or test-lib's fds 3-9 would vanish on the way to the real git. This undoes that for the
// descriptors our parent gave us, before we exec or spawn git.

import { libc } from "./libc.ts";

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const FD_CLOEXEC = 1;
const O_ACCMODE = 3;
const O_RDWR = 2;
const O_LARGEFILE = 0o100000;
const F_GETPIPE_SZ = 1032;
const POLLNVAL = 0x20;
/** Descriptors above this are not looked at: shells and make stay far below it. */
const MAX_FD = 1024;

/** How many descriptors Bun itself holds when our code starts (Bun 1.4.5: epoll, eventfd). */
const BUN_OWN_FDS = 2;

/**
 * Whether descriptors beyond stdio and Bun's own may have been inherited. Linux reports the
 * number of open descriptors as the size of /proc/self/fd (since 6.2): one stat instead of
 * loading libc. On older kernels the size is 0, and the answer is "maybe".
 * test/shim/differential.test.ts guards BUN_OWN_FDS: were it too high, fd 7 would be lost.
 */
export function mayHaveInheritedFds(): boolean {
  if (process.platform !== "linux") return false;
  const open = openFdCount();
  return open === 0 || open > 3 + BUN_OWN_FDS + ownSinceStart;
}

/** Descriptors Bun opened for itself after start (a spawned child's pidfd), counted by noteOwnFds. */
let ownSinceStart = 0;

/** How many descriptors are open now (0 when /proc cannot tell): one stat. */
export function openFdCount(): number {
  return process.platform === "linux" ? Bun.file("/proc/self/fd").size : 0;
}

/**
 * Records the descriptors Bun opened for itself between two counts (before and after a
 * Bun.spawn, which keeps a pidfd of the child), so that they are not taken for inherited
 * ones: without this, an exec after starting a worker took the slow libc path (~1 ms).
 */
export function noteOwnFds(before: number, after: number): void {
  if (before > 0 && after > before) ownSinceStart += after - before;
}

/**
 * Clears close-on-exec on inherited descriptors (3 and up) and returns their numbers.
 *
 * One poll(2) over the first MAX_FD descriptors finds the open ones (POLLNVAL marks the
 * rest), so the cost does not grow with the limit. Bun's own descriptors at this point are
 * an epoll and an eventfd: read-write, not pipes, and without O_LARGEFILE, which the kernel
 * adds to everything open(2) returns on 64-bit Linux. A descriptor is taken as inherited
 * when it is a pipe, was opened by open(2), or is not read-write; an inherited read-write
 * socket is the one case this misses.
 */
export function restoreInheritedFds(): number[] {
  const c = libc();
  if (!c) return [];
  const table = new Int32Array(MAX_FD * 2); // struct pollfd { int fd; short events, revents; }
  for (let fd = 0; fd < MAX_FD; fd++) table[fd * 2] = fd;
  c.poll(table, MAX_FD, 0);
  const inherited: number[] = [];
  for (let fd = 3; fd < MAX_FD; fd++) {
    if ((table[fd * 2 + 1]! >>> 16) & POLLNVAL) continue;
    const fdFlags = c.fcntl(fd, F_GETFD, 0);
    if (fdFlags < 0) continue;
    const fl = c.fcntl(fd, F_GETFL, 0);
    const isPipe = c.fcntl(fd, F_GETPIPE_SZ, 0) >= 0;
    if (!isPipe && (fl & O_LARGEFILE) === 0 && (fl & O_ACCMODE) === O_RDWR) continue;
    if (fdFlags & FD_CLOEXEC) c.fcntl(fd, F_SETFD, fdFlags & ~FD_CLOEXEC);
    inherited.push(fd);
  }
  return inherited;
}
