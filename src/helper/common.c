/*
 * sbx-helper: a dumb executor for sbx-detect, in four files compiled into one static binary
 * (src/helper/build.mjs), one per role, with common.h between them:
 *   common.c       this file: main(), the wire (the arguments, then stdin, one request per line),
 *                  each line sent to its role, JSON output and escaping, number and id parsing;
 *   probe-pool.c   the probes: every request that runs a syscall or a CPU instruction the
 *                  sandbox may not like (sys, sysv, sysb, sysq, cpuid, mmap, timing, syslog, kvm),
 *                  each in a child that holds no descriptor an allowed call could act on;
 *   file-server.c  the --remote file server (--via): read-only host questions (read, list, link,
 *                  stat, env, uname, sync) with its secret and environ policy, and --unlink;
 *   launcher.c     run under the name sbx-detect: starts the Node tool beside it, after making
 *                  sure Node can make a thread there.
 *
 * Reads a plan on stdin, one request per line, and prints one JSON object per line on
 * stdout. It knows nothing about syscalls beyond what the plan says: the table, the
 * arguments and the meaning of every answer live in the TypeScript side
 * (src/probes/syscalls/). The wire format is in src/helper/README.md.
 *
 * This file must NEVER:
 * - run anything the plan names (a syscall number, a leaf, an address, a path) itself: it only
 *   reads lines and hands each to probe-pool.c or file-server.c; its own calls are the start
 *   (close_inherited, the signal setup, prepare_for_children) and stdio;
 * - print an answer out of request order: a line that is not a pooled probe, and an error line,
 *   first run the queued probes (run_pool);
 * - let a line pass cut short or cut by a NUL: a line over MAX_LINE is answered "line too long",
 *   a NUL becomes a space (a bad token), a last line without a newline is still run;
 * - print a string unescaped: every string goes through out_json_string or out_json_bytes, so
 *   every line parses;
 * - leave an inherited descriptor above 2 open (close_inherited), write to stderr once it has
 *   closed it, or leave SIGCHLD unblocked or ignored: the pool waits for its children with
 *   sigtimedwait, and every child inherits this mask.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

#define MAX_LINE 4096
#define MAX_TOKENS 16

/* ---------- output ---------- */

void out(const char *s) { fputs(s, stdout); }

/* JSON string body: valid UTF-8 passes through, invalid bytes become U+FFFD, control
 * characters are escaped, so the line always parses. */
void out_json_string(FILE *o, const unsigned char *s, size_t n) {
  fputc('"', o);
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      fputc('\\', o);
      fputc(c, o);
      i++;
    } else if (c == '\n') {
      fputs("\\n", o), i++;
    } else if (c == '\t') {
      fputs("\\t", o), i++;
    } else if (c == '\r') {
      fputs("\\r", o), i++;
    } else if (c < 0x20 || c == 0x7f) {
      fprintf(o, "\\u%04x", c), i++;
    } else if (c < 0x80) {
      fputc(c, o), i++;
    } else {
      size_t len = (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3 : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
      int ok = len > 0 && i + len <= n;
      for (size_t k = 1; ok && k < len; k++)
        if ((s[i + k] & 0xc0) != 0x80) ok = 0;
      /* reject overlong 3/4-byte forms, surrogates and code points above U+10FFFF */
      if (ok && len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0))) ok = 0;
      if (ok && len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))) ok = 0;
      if (ok) {
        fwrite(s + i, 1, len, o);
        i += len;
      } else {
        fputs("\\ufffd", o);
        i++;
      }
    }
  }
  fputc('"', o);
}

/* JSON string body that keeps every byte: printable ASCII as it is, every other byte as
 * \u00XX. The reader maps each code point back to one byte (latin1), so file contents, binary
 * or not, cross the channel exactly. */
void out_json_bytes(FILE *o, const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  fputc('"', o);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      fputc('\\', o);
      fputc(c, o);
    } else if (c >= 0x20 && c < 0x7f) {
      fputc(c, o);
    } else if (c == '\n') {
      fputs("\\n", o);
    } else if (c == '\t') {
      fputs("\\t", o);
    } else {
      char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
      fputs(e, o);
    }
  }
  fputc('"', o);
}

/* An error line; queued probes are answered first, so answers stay in request order. */
void out_error(const char *line, const char *why) {
  if (queue_n) run_pool();
  out("{\"req\":\"error\",\"error\":");
  out_json_string(stdout, (const unsigned char *)why, strlen(why));
  out(",\"line\":");
  size_t n = strlen(line);
  out_json_string(stdout, (const unsigned char *)line, n > 200 ? 200 : n);
  out("}\n");
}

/* ---------- parsing ---------- */

/* decimal (optionally negative) or 0x hex, the whole token */
int parse_u64(const char *t, uint64_t *v) {
  if (!*t) return 0;
  char *end;
  errno = 0;
  if (t[0] == '-') {
    if (!t[1] || t[1] < '0' || t[1] > '9') return 0;
    long long s = strtoll(t, &end, 10);
    *v = (uint64_t)s;
  } else if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    if (!t[2]) return 0;
    for (const char *c = t + 2; *c; c++)
      if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F'))) return 0;
    *v = strtoull(t + 2, &end, 16);
  } else {
    if (t[0] < '0' || t[0] > '9') return 0;
    *v = strtoull(t, &end, 10);
  }
  return errno == 0 && *end == 0;
}

int valid_id(const char *t) {
  size_t n = strlen(t);
  if (n == 0 || n > 64) return 0;
  for (const char *c = t; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
      return 0;
  return 1;
}

static void handle_line(char *line) {
  char copy[MAX_LINE + 2];
  snprintf(copy, sizeof copy, "%s", line);
  /* the probes the pool runs are queued; anything else first runs the queue, so answers stay
   * in request order */
  /* `pool N` only sets how many run at once: it does not cut the queue either */
  static const char *const pooled[] = {"sys ", "sysv ", "sysb ", "sysq ", "sysc ", "cpuid ", "mmap ", "timing ", "syslog ", "pool "};
  int queued = 0;
  for (size_t i = 0; i < sizeof pooled / sizeof pooled[0]; i++) queued |= strncmp(line, pooled[i], strlen(pooled[i])) == 0;
  if (!queued && queue_n) run_pool();
  if (line[0] != '#' && handle_host_question(line)) return; /* flushed by sync, not per answer */
  char *tok[MAX_TOKENS];
  int ntok = 0;
  for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
    if (ntok == MAX_TOKENS) return out_error(copy, "too many tokens");
    tok[ntok++] = t;
  }
  if (ntok == 0 || tok[0][0] == '#') return;
  if (strcmp(tok[0], "sys") == 0) return do_sys(tok, ntok, copy, P_FORK); /* answered by run_pool */
  else if (strcmp(tok[0], "sysv") == 0) return do_sys(tok, ntok, copy, P_SHARED);
  else if (strcmp(tok[0], "sysb") == 0) return do_sys(tok, ntok, copy, P_BATCH);
  else if (strcmp(tok[0], "sysq") == 0) return do_sys(tok, ntok, copy, P_QUERY);
  else if (strcmp(tok[0], "sysc") == 0) return do_sys(tok, ntok, copy, P_CHECKED);
  else if (strcmp(tok[0], "cpuid") == 0) return do_cpuid(tok, ntok, copy);
  else if (strcmp(tok[0], "mmap") == 0) return do_mmap(tok, ntok, copy);
  else if (strcmp(tok[0], "timing") == 0) return do_timing(tok, ntok, copy);
  else if (strcmp(tok[0], "syslog") == 0) return do_syslog(tok, ntok, copy);
  else if (strcmp(tok[0], "timeout_ms") == 0) do_timeout(tok, ntok, copy);
  else if (strcmp(tok[0], "kvm") == 0) do_kvm(tok, ntok, copy);
  else if (strcmp(tok[0], "stats") == 0) do_stats(tok, ntok, copy);
  else if (strcmp(tok[0], "pool") == 0) do_pool(tok, ntok, copy);
  else out_error(copy, "unknown request");
  fflush(stdout);
}

void no_core_dumps(void) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* set by close_inherited, read by close_all_but in every child (probe-pool.c) */
int close_range_missing = 0;

/* Closes every inherited descriptor above 2, so a child's close loop has a small bound.
 * close_range first. Where it is missing (gVisor 20221219) or refused, close what
 * /proc/self/fd lists: a close() loop up to RLIMIT_NOFILE costs ~60 us a call under gVisor's
 * ptrace platform, seconds at the NOFILE a container is commonly given. The bounded loop is the
 * last resort, when /proc is not there. */
static void close_inherited(void) {
  if (syscall(NR_CLOSE_RANGE, 3u, ~0u, 0u) == 0) return;
  close_range_missing = 1; /* the children go straight to their close() loop (gVisor 20221219) */
  DIR *d = opendir("/proc/self/fd");
  if (d) {
    enum { MAX_LISTED = 4096 };
    static int listed[MAX_LISTED];
    int n = 0, overflow = 0, self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
      char *end;
      long fd = strtol(e->d_name, &end, 10);
      if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end || fd <= 2 || fd == self || fd > INT_MAX) continue;
      if (n < MAX_LISTED) listed[n++] = (int)fd;
      else overflow = 1;
    }
    closedir(d);
    for (int i = 0; i < n; i++) close(listed[i]);
    if (!overflow) return;
  }
  struct rlimit rl;
  long max = 65536;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < max) max = (long)rl.rlim_cur;
  for (long fd = 3; fd < max; fd++) close((int)fd);
}

#if defined(__x86_64__)
#define HELPER_ARCH "x86_64"
#elif defined(__aarch64__)
#define HELPER_ARCH "aarch64"
#else
#define HELPER_ARCH "other"
#endif

/* Usage: sbx-helper [--ping] [--remote] [--unlink PATH] [-- REQUEST...]
 * With no argument it reads a plan on stdin (the local tool). --remote first prints a hello
 * line; each REQUEST after -- is executed before stdin is read (the first round of --via). */
int main(int argc, char **argv) {
  /* installed as `sbx-detect`, it starts the tool (launcher.c), touching nothing the tool inherits */
  const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;
  if (argv[0] && strcmp(base ? base + 1 : argv[0], "sbx-detect") == 0) return launcher_main(argc, argv);
  close_inherited();
  signal(SIGPIPE, SIG_IGN); /* a reader gone away ends us through a write error, not a signal */
  /* children must be ours to wait for (an inherited SIG_IGN would reap them unseen), and their
   * SIGCHLD stays pending for wait_until */
  signal(SIGCHLD, SIG_DFL);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_SETMASK, &chld, NULL); /* exactly: the children inherit this mask */
  /* musl's stdio buffers are 1 KiB: a 12 KiB plan and 25 KiB of answers would take some forty
   * reads and writes (each a host round trip under gVisor's ptrace platform); flushes still
   * happen where they did (fflush, sync) */
  static char in_buf[65536], out_buf[65536];
  setvbuf(stdin, in_buf, _IOFBF, sizeof in_buf);
  setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
  int remote = 0, first_request = argc;
  const char *own_copy = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--ping") == 0) return 0; /* the bootstrap's exec test: this copy runs */
    if (strcmp(argv[i], "--remote") == 0) remote = 1;
    else if (strcmp(argv[i], "--unlink") == 0 && i + 1 < argc) own_copy = argv[++i];
    else if (strcmp(argv[i], "--") == 0) {
      first_request = i + 1;
      break;
    } else {
      fprintf(stderr, "sbx-helper: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  prepare_for_children();
  /* nothing is written to stderr from here on; closed, it is one descriptor fewer for every
   * probe child to close (a close is a host round trip under gVisor's ptrace platform) */
  close(2);
  if (remote) {
    int unlink_errno = own_copy ? remove_own_copy(own_copy) : -1;
    printf("{\"req\":\"hello\",\"protocol\":1,\"arch\":\"%s\",\"pid\":%ld", HELPER_ARCH, (long)getpid());
    if (unlink_errno >= 0) printf(",\"unlink_errno\":%d", unlink_errno);
    out("}\n");
  }
  for (int i = first_request; i < argc; i++) {
    static char arg_line[MAX_LINE + 2];
    if (strlen(argv[i]) > MAX_LINE) {
      out_error(argv[i], "line too long");
      continue;
    }
    snprintf(arg_line, sizeof arg_line, "%s", argv[i]);
    handle_line(arg_line);
  }
  fflush(stdout);
  static char line[MAX_LINE + 2];
  size_t len = 0;
  int too_long = 0;
  int c;
  while ((c = getchar()) != EOF) {
    if (c == '\n') {
      line[len] = 0;
      if (too_long) out_error(line, "line too long"), fflush(stdout);
      else handle_line(line);
      len = 0, too_long = 0;
      if (ferror(stdout)) return 1;
      continue;
    }
    if (c == 0) c = ' '; /* a NUL would cut the line silently; make it a (bad) token instead */
    if (len < MAX_LINE) line[len++] = (char)c;
    else too_long = 1;
  }
  if (len > 0) {
    line[len] = 0;
    if (too_long) out_error(line, "line too long");
    else handle_line(line);
  }
  if (queue_n) run_pool();
  fflush(stdout);
  return 0;
}
