/*
 * The light fetch: a plain `git fetch` at a terminal, done by the C front door without
 * starting Bun (the Bun shim's start-up alone is more than a fetch with nothing new may add).
 * Appended to the generated front door by scripts/lib/front-door.ts, which defines the
 * LF_* names below from the shim's own sources, so both paths agree on every file name.
 *
 * It does what the shim's fetch interceptor does at a terminal (src/interceptors/fetch.ts
 * inBackground): a job for src/jobs/after-fetch.ts, its marks (src/jobs/pending.ts), and the
 * same waiting shell (src/jobs/spawn.ts waiterScript) that starts the Bun worker only when a
 * tracking ref moved since the last merge; then it becomes the real git. Whenever anything
 * is not plainly so (options that change what is fetched, a URL, submodules, pending or
 * failed work, warnings to print, remotes not yet given our refspecs, an unusual path or
 * environment), it hands the command to the shim, which knows every case.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define LF_PATH 4096
#define LF_TEXT 65536

#ifdef __APPLE__
#define LF_MTIME_S(st) ((st).st_mtimespec.tv_sec)
#define LF_MTIME_NS(st) ((st).st_mtimespec.tv_nsec)
#else
#define LF_MTIME_S(st) ((st).st_mtim.tv_sec)
#define LF_MTIME_NS(st) ((st).st_mtim.tv_nsec)
#endif

struct light {
  char cwd[LF_PATH];
  char gitdir[LF_PATH];
  char common[LF_PATH];
  char data[LF_PATH];
  char names[LF_TEXT]; /* the named remotes, each ended by a NUL */
  size_t names_len;
  int fetch_head;
};

static int pathf(char *out, const char *fmt, const char *a, const char *b) {
  int n = snprintf(out, LF_PATH, fmt, a, b);
  return n >= 0 && n < LF_PATH;
}

static long long size_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The whole file, NUL-ended, when it fits in `cap` - 1 bytes; else -1. */
static long read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t n = 0;
  ssize_t r;
  if (fd < 0) return -1;
  while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) != 0) {
    if (r < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return -1;
    }
    n += (size_t)r;
  }
  if (n == cap - 1 && read(fd, buf, 1) != 0) n = cap; /* too big */
  close(fd);
  if (n >= cap) return -1;
  buf[n] = 0;
  return (long)n;
}

/* As src/jobs/mode.ts flag(): -1 unset or empty, 0 off, 1 on. */
static int flag_value(const char *v) {
  if (!v || !*v) return -1;
  return !(strcasecmp(v, "0") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
           strcasecmp(v, "off") == 0);
}

/* As src/jobs/mode.ts foreground(), negated: trace work may run in the background. */
static int background(void) {
  int sync = flag_value(getenv("GIT_TRACES_SYNC"));
  if (sync >= 0) return !sync;
  if (flag_value(getenv("CI")) == 1) return 0;
  return isatty(0) || isatty(2);
}

static int valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned cp;
    int n, i;
    if (*p < 0x80) {
      p++;
      continue;
    }
    if ((*p & 0xe0) == 0xc0) n = 1, cp = *p & 0x1f;
    else if ((*p & 0xf0) == 0xe0) n = 2, cp = *p & 0x0f;
    else if ((*p & 0xf8) == 0xf0) n = 3, cp = *p & 0x07;
    else return 0;
    for (i = 1; i <= n; i++) {
      if ((p[i] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return 0;
    p += n + 1;
  }
  return 1;
}

static int space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* `a/b/../c` -> `/a/c` (src/git/repo.ts normalizePath). */
static void normalize(const char *in, char *out) {
  size_t n = 0;
  const char *p = in;
  out[0] = 0;
  while (*p) {
    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == 0 || (len == 1 && p[0] == '.')) {
      /* nothing */
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--;
      out[n] = 0;
    } else {
      out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
      out[n] = 0;
    }
    p += len + (end ? 1 : 0);
  }
  if (n == 0) strcpy(out, "/");
}

/* As src/git/repo.ts gitDirQuick: `.git` found upwards from the cwd, a directory or a gitdir file. */
static int find_gitdir(struct light *l) {
  char dir[LF_PATH], dotgit[LF_PATH], head[LF_PATH];
  static char text[LF_PATH];
  size_t len;
  strcpy(dir, l->cwd);
  len = strlen(dir);
  while (len > 1 && dir[len - 1] == '/') dir[--len] = 0;
  for (;;) {
    struct stat st;
    if (!pathf(dotgit, "%s%s", strcmp(dir, "/") == 0 ? "" : dir, "/.git")) return 0;
    if (stat(dotgit, &st) == 0 && st.st_size > 0) {
      char *line, *value, *end;
      if (!pathf(head, "%s%s", dotgit, "/HEAD")) return 0;
      if (size_of(head) > 0) {
        strcpy(l->gitdir, dotgit);
        return 1;
      }
      if (!S_ISREG(st.st_mode) || read_file(dotgit, text, sizeof text) < 0) return 0;
      for (line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : 0)
        if (strncmp(line, "gitdir: ", 8) == 0) break;
      if (!line) return 0;
      value = line + 8;
      end = strchr(value, '\n');
      if (!end) end = value + strlen(value);
      while (end > value && space(end[-1])) end--;
      if (end == value) return 0;
      *end = 0;
      return value[0] == '/' ? pathf(l->gitdir, "%s%s", value, "") : pathf(l->gitdir, "%s/%s", dir, value);
    }
    if (strcmp(dir, "/") == 0) return 0;
    *strrchr(dir, '/') = 0;
    if (!dir[0]) strcpy(dir, "/");
  }
}

/* As src/git/repo.ts commonDirQuick: a linked worktree's `commondir`, else the git dir. */
static int find_common(struct light *l) {
  char path[LF_PATH], joined[LF_PATH];
  static char rel[LF_PATH];
  char *start, *end;
  if (!pathf(path, "%s%s", l->gitdir, "/commondir")) return 0;
  if (size_of(path) <= 0 || read_file(path, rel, sizeof rel) < 0) {
    strcpy(l->common, l->gitdir);
    return 1;
  }
  for (start = rel; space(*start); start++) {
  }
  for (end = start + strlen(start); end > start && space(end[-1]); end--) {
  }
  *end = 0;
  if (start[0] == '/' ? !pathf(joined, "%s%s", start, "") : !pathf(joined, "%s/%s", l->gitdir, start)) return 0;
  normalize(joined, l->common);
  return 1;
}

static int data_home(char *out) {
  const char *h = getenv("GIT_TRACES_HOME"), *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  if (h && *h) return pathf(out, "%s%s", h, "");
  if (x && *x) return pathf(out, "%s%s", x, "/git-traces");
  return pathf(out, "%s%s", home ? home : "", "/.local/share/git-traces");
}

/*
 * The remotes the shim gave our refspecs, as of the config file it names by inode, size and
 * mtime (src/sync/state.ts recordConfigured): valid only while that file is the same one.
 */
static int configured(struct light *l) {
  char path[LF_PATH];
  static char text[LF_TEXT];
  unsigned long long want[4];
  char *p, *next;
  struct stat st;
  int i;
  if (!pathf(path, "%s%s", l->common, LF_REMOTES_FILE) || read_file(path, text, sizeof text) < 0) return 0;
  if (strncmp(text, LF_REMOTES_HEADER "\n", sizeof LF_REMOTES_HEADER) != 0) return 0;
  p = text + sizeof LF_REMOTES_HEADER;
  for (i = 0; i < 4; i++) {
    if (*p < '0' || *p > '9') return 0;
    want[i] = strtoull(p, &next, 10);
    if (*next != (i == 3 ? '\n' : ' ')) return 0;
    p = next + 1;
  }
  if (!pathf(path, "%s%s", l->common, "/config") || stat(path, &st) != 0) return 0;
  if ((unsigned long long)st.st_ino != want[0] || (unsigned long long)st.st_size != want[1] ||
      (unsigned long long)LF_MTIME_S(st) != want[2] || (unsigned long long)LF_MTIME_NS(st) != want[3])
    return 0;
  l->names_len = 0;
  while (*p) {
    size_t len;
    next = strchr(p, '\n');
    if (!next) return 0; /* cut short */
    len = (size_t)(next - p);
    if (len == 0) return 0;
    *next = 0;
    if (!valid_utf8(p)) return 0;
    memcpy(l->names + l->names_len, p, len + 1);
    l->names_len += len + 1;
    p = next + 1;
  }
  return 1;
}

/* The fetch's own arguments: options that change nothing of ours, and at most a remote's name. */
static const char *light_args(struct light *l, int argc, char **argv, int at) {
  int j, operand = 0;
  l->fetch_head = 1;
  for (j = at + 1; j < argc; j++) {
    const char *a = argv[j];
    if (strcmp(a, "--no-write-fetch-head") == 0) l->fetch_head = 0;
    else if (strcmp(a, "--write-fetch-head") == 0) l->fetch_head = 1;
    else if (in(LF_FLAGS, a)) continue;
    /* A URL or path (git then uses no configured refspec) goes to the shim. */
    else if (!operand && a[0] && a[0] != '-' && !strchr(a, '/') && !strchr(a, ':')) operand = 1;
    else return "arguments";
  }
  return 0;
}

/* 0 when this fetch can be done here; else the reason the shim takes it (a word, for EXPLAIN). */
static const char *light_plan(struct light *l, int argc, char **argv, int at) {
  const char *const *e;
  const char *why;
  char path[LF_PATH];
  if (at != 1) return "global-options";
  for (e = LF_GIT_ENV; *e; e++)
    if (getenv(*e) && *getenv(*e)) return "git-environment";
  if (!background()) return "foreground";
  if ((why = light_args(l, argc, argv, at))) return why;
  if (!getcwd(l->cwd, sizeof l->cwd) || l->cwd[0] != '/') return "cwd";
  if (!find_gitdir(l) || !find_common(l)) return "no-repository";
  if (l->common[0] != '/') return "path";
  if (!data_home(l->data)) return "path";
  if (!pathf(path, "%s%s", l->common, "/modules") || size_of(path) > 0) return "submodules";
  if (!pathf(path, "%s%s", l->data, "/pending") || size_of(path) > 0) return "pending";
  if (!pathf(path, "%s%s", l->data, LF_WARNINGS_FILE) || size_of(path) > 0) return "warnings";
  if (!valid_utf8(l->cwd) || !valid_utf8(l->gitdir) || !valid_utf8(l->common)) return "path";
  if (!configured(l)) return "remotes-unchecked";
  return 0;
}

struct out {
  char *p;
  size_t n, cap;
  int over;
};

static void put(struct out *o, const char *s) {
  size_t len = strlen(s);
  if (o->n + len >= o->cap) {
    o->over = 1;
    return;
  }
  memcpy(o->p + o->n, s, len + 1);
  o->n += len;
}

/* A JSON string: the text is valid UTF-8 (checked), so only quotes, backslashes and controls change. */
static void put_json(struct out *o, const char *s) {
  char one[8];
  put(o, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') snprintf(one, sizeof one, "\\%c", c);
    else if (c < 0x20) snprintf(one, sizeof one, "\\u%04x", c);
    else one[0] = (char)c, one[1] = 0;
    put(o, one);
  }
  put(o, "\"");
}

static int write_file(const char *path, const char *text, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  size_t n = 0;
  if (fd < 0) return 0;
  while (n < len) {
    ssize_t w = write(fd, text + n, len - n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      unlink(path);
      return 0;
    }
    n += (size_t)w;
  }
  return close(fd) == 0 || (unlink(path), 0);
}

/* mkdir -p of the directory `path` names. */
static void make_dirs(const char *path) {
  char dir[LF_PATH];
  char *p;
  strcpy(dir, path);
  for (p = dir + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      mkdir(dir, 0777);
      *p = '/';
    }
  mkdir(dir, 0777);
}

/* The child's end: no terminal, no fds of the user's but 0-2 on /dev/null, then the waiting shell. */
static void start_waiter(char **wargv, const char *job) {
  int fd, max;
  setsid();
  fd = open("/dev/null", O_RDWR);
  if (fd >= 0) {
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
  }
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
  {
    max = (int)sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (fd = 3; fd < max; fd++) close(fd);
  }
  if (setenv(LF_JOB_ENV, job, 1) == 0) execv("/bin/sh", wargv);
  _exit(127);
}

/*
 * Starts the waiting shell, writes its marks, and becomes the real git. Returns only when
 * that could not be done: nothing of it is left, and the caller hands the fetch to the shim.
 */
static void light_fetch(struct light *l, char **argv, const char *real, const char *shim) {
  static char job[LF_TEXT], mark[LF_TEXT + 128];
  char self[24], now_s[24], child_s[24], pending_dir[LF_PATH], hint_dir[LF_PATH], stamp[LF_PATH];
  char news[4][LF_PATH], mark_path[LF_PATH], hint_path[LF_PATH];
  char *wargv[15];
  struct out o = {job, 0, sizeof job, 0}, m = {mark, 0, sizeof mark, 0};
  struct timespec ts;
  pid_t child;
  size_t i;
  int tries;
  clock_gettime(CLOCK_REALTIME, &ts);
  snprintf(self, sizeof self, "%ld", (long)getpid());
  snprintf(now_s, sizeof now_s, "%lld", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
  if (!pathf(pending_dir, "%s%s", l->common, LF_PENDING_DIR) || !pathf(hint_dir, "%s%s", l->data, "/pending") ||
      !pathf(stamp, "%s%s", l->common, LF_FETCH_STAMP) || !pathf(news[0], "%s/%s", l->common, LF_NEWS_0) ||
      !pathf(news[1], "%s/%s", l->common, LF_NEWS_1) || !pathf(news[2], "%s/%s", l->common, LF_NEWS_2) ||
      !pathf(news[3], "%s/%s", l->common, LF_NEWS_3))
    return;
  /* The job, as src/interceptors/fetch.ts fetchJob() makes it (src/jobs/schemas.ts FetchJobSchema). */
  put(&o, "{\"v\":1,\"pid\":");
  put(&o, self);
  put(&o, ",\"start\":");
  put(&o, now_s);
  put(&o, ",\"cwd\":");
  put_json(&o, l->cwd);
  put(&o, ",\"gitDir\":");
  put_json(&o, l->gitdir);
  put(&o, ",\"commonDir\":");
  put_json(&o, l->common);
  put(&o, ",\"globals\":[],\"source\":null,\"named\":[");
  for (i = 0; i < l->names_len; i += strlen(l->names + i) + 1) {
    if (i) put(&o, ",");
    put_json(&o, l->names + i);
  }
  put(&o, "],\"submodules\":[],\"fetchHead\":");
  put(&o, l->fetch_head ? "true}" : "false}");
  put(&m, "{\"kind\":\"" LF_KIND "\",\"job\":");
  put(&m, job);
  put(&m, ",\"at\":");
  put(&m, now_s);
  put(&m, "}");
  if (o.over || m.over) return;
  /* Padded, so that a failure can be written over it in place (pending.ts failMark). */
  while (m.n < LF_MARK_BYTES - 1) mark[m.n++] = ' ';
  mark[m.n++] = '\n';
  wargv[0] = (char *)"/bin/sh";
  wargv[1] = (char *)"-c";
  wargv[2] = (char *)LF_WAITER_SCRIPT;
  wargv[3] = (char *)LF_WAITER_NAME;
  wargv[4] = self;
  wargv[5] = (char *)shim;
  wargv[6] = (char *)LF_KIND;
  wargv[7] = pending_dir;
  wargv[8] = hint_dir;
  wargv[9] = stamp;
  for (i = 0; i < 4; i++) wargv[10 + i] = news[i];
  wargv[14] = 0;
  child = fork();
  if (child < 0) return;
  if (child == 0) start_waiter(wargv, job);
  /* Both marks before git runs: a command started a moment later waits for this work. */
  snprintf(child_s, sizeof child_s, "%ld", (long)child);
  if (pathf(mark_path, "%s/%s", pending_dir, child_s) && pathf(hint_path, "%s/%s", hint_dir, child_s)) {
    make_dirs(pending_dir);
    if (write_file(mark_path, mark, m.n)) {
      /* The hint's directory goes when its last mark goes: try again when it went meanwhile. */
      size_t common_len = strlen(l->common);
      l->common[common_len] = '\n';
      for (tries = 0; tries < 20; tries++) {
        make_dirs(hint_dir);
        if (write_file(hint_path, l->common, common_len + 1)) break;
      }
      l->common[common_len] = 0;
      execv(real, argv);
      unlink(hint_path);
      rmdir(hint_dir);
      unlink(mark_path);
    }
  }
  kill(child, SIGKILL);
  waitpid(child, 0, 0);
}
