// The process environment as every part takes it, and the variables that carry git-traces'
// own state between its processes (the user's settings are listed in README.md).

export type Env = Record<string, string | undefined>;

/** The job of a background worker (src/jobs/spawn.ts): its presence makes the binary the worker. */
export const JOB_ENV = "GIT_TRACES_JOB";
