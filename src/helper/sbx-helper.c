/*
 * sbx-helper: a dumb executor for sbx-detect.
 *
 * Reads a plan on stdin, one request per line, and prints one JSON object per line on
 * stdout. It knows nothing about syscalls beyond what the plan says: the table, the
 * arguments and the meaning of every answer live in the TypeScript side
 * (src/probes/syscalls/). The wire format is in src/helper/README.md.
 *
 * Safety: every request that runs a syscall or a CPU instruction the sandbox may not like
 * runs in a forked child that holds no descriptor except its result pipe (an allowed
 * fchmod(0, 0) on an inherited /dev/null once made this machine's /dev/null mode 0000),
 * cannot dump core, and is SIGKILLed by the parent when it overruns the timeout.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif
/* close_range is numbered 436 on every architecture (the unified table). */
#define NR_CLOSE_RANGE 436

#define MAX_LINE 4096
#define MAX_TOKENS 16
#define MAX_CHILD_OUTPUT (8 * 1024 * 1024)
#define MAX_SYSLOG_BYTES (1024 * 1024)
#define MAX_TIMING_COUNT 1000000

static int timeout_ms = 1000;

/* ---------- output ---------- */

static void out(const char *s) { fputs(s, stdout); }

/* JSON string body: valid UTF-8 passes through, invalid bytes become U+FFFD, control
 * characters are escaped, so the line always parses. */
static void out_json_string(FILE *o, const unsigned char *s, size_t n) {
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
static void out_json_bytes(FILE *o, const unsigned char *s, size_t n) {
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

static void out_error(const char *line, const char *why) {
  out("{\"req\":\"error\",\"error\":");
  out_json_string(stdout, (const unsigned char *)why, strlen(why));
  out(",\"line\":");
  size_t n = strlen(line);
  out_json_string(stdout, (const unsigned char *)line, n > 200 ? 200 : n);
  out("}\n");
}

/* ---------- async-signal-safe fragment building (used in children and handlers) ---------- */

struct frag {
  char buf[512];
  size_t len;
};

static void frag_str(struct frag *f, const char *s) {
  while (*s && f->len < sizeof f->buf - 1) f->buf[f->len++] = *s++;
}

static void frag_i64(struct frag *f, int64_t v) {
  char tmp[24];
  int n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do tmp[n++] = (char)('0' + u % 10), u /= 10;
  while (u);
  if (v < 0) tmp[n++] = '-';
  while (n && f->len < sizeof f->buf - 1) f->buf[f->len++] = tmp[--n];
}

static void frag_hex(struct frag *f, uint64_t v) {
  char tmp[20];
  int n = 0;
  do tmp[n++] = "0123456789abcdef"[v & 15], v >>= 4;
  while (v);
  frag_str(f, "\"0x");
  while (n && f->len < sizeof f->buf - 1) f->buf[f->len++] = tmp[--n];
  frag_str(f, "\"");
}

/* ---------- raw system calls ----------
 *
 * A `sysv` child shares the helper's memory (clone with CLONE_VM, see run_child), so it must
 * not write anything the parent owns while both run: not errno (libc's syscall() and the
 * wrappers store it in the parent's thread block), not a lock, not a stdio buffer. Everything a
 * child runs from its setup to its exit goes through raw_syscall(), which returns the kernel's
 * answer (-4095..-1 is an errno) and touches no memory but its own stack. */
#if defined(__x86_64__)
#define RAW_SYSCALLS 1
static long raw_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
/* x86_64 needs SA_RESTORER: the handler returns through rt_sigreturn */
__asm__(".text\n.type sbx_restore_rt,@function\nsbx_restore_rt:\n\tmov $15, %rax\n\tsyscall\n");
void sbx_restore_rt(void);
#define RAW_SA_RESTORER 0x04000000UL
#elif defined(__aarch64__)
#define RAW_SYSCALLS 1
static long raw_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory", "cc");
  return x0;
}
/* as libc does, the handler returns through our own rt_sigreturn (139), not the vDSO's */
__asm__(".text\n.type sbx_restore_rt,%function\nsbx_restore_rt:\n\tmov x8, #139\n\tsvc 0\n");
void sbx_restore_rt(void);
#define RAW_SA_RESTORER 0x04000000UL
#else
/* elsewhere no child shares memory (run_child forks), so libc's wrapper is enough */
static long raw_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  long r = syscall(nr, a, b, c, d, e, f);
  return r == -1 ? -errno : r;
}
#endif
#define RAW_FAILED(r) ((unsigned long)(r) > -4096UL)

/* The child's output ends with '\n' so the parent can tell a complete answer from one cut
 * short by a kill. */
static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    long w = raw_syscall(SYS_write, fd, (long)p, (long)n, 0, 0, 0);
    if (RAW_FAILED(w)) {
      if (w == -EINTR) continue;
      return -1;
    }
    p += w, n -= (size_t)w;
  }
  return 0;
}

static void frag_send(int fd, struct frag *f) {
  f->buf[f->len++] = '\n';
  write_all(fd, f->buf, f->len);
}

/* ---------- children ---------- */

static volatile int child_result_fd = -1;
/* set in a batch child (see run_batch): a trap answers the current probe and the loop goes on */
static sigjmp_buf batch_env;
static volatile sig_atomic_t batch_active = 0;
/* the probe child's own pid, to notice a call that created another process */
static long child_pid = 0;
/* written by a probe child once its setup is done: a child that dies without it died in its
 * setup (a filter that kills prctl or sigaction), and its death says nothing about the probe */
#define READY_MARK '+'

static void on_sigsys(int sig, siginfo_t *info, void *ctx) {
  (void)ctx;
  struct frag f = {.len = 0};
  frag_str(&f, "\"signal\":");
  frag_i64(&f, sig);
  frag_str(&f, ",\"trapped\":");
  frag_str(&f, info->si_code == SYS_SECCOMP ? "true" : "false");
  frag_str(&f, ",\"si_code\":");
  frag_i64(&f, info->si_code);
  frag_str(&f, ",\"si_errno\":");
  frag_i64(&f, info->si_errno);
#ifdef __linux__
  frag_str(&f, ",\"si_syscall\":");
  frag_i64(&f, info->si_syscall);
  frag_str(&f, ",\"si_arch\":");
  frag_i64(&f, (int64_t)(uint32_t)info->si_arch);
#endif
  frag_send(child_result_fd, &f);
  /* in a batch child the answer is written: go on with the next probe (no state changed:
   * a trapped call never ran) */
  if (batch_active) siglongjmp(batch_env, 1);
  _exit(0);
}

/* Leaves only keep_fd open. close_range first; when a filter refuses it, a close() loop
 * up to the highest descriptor the helper can hold (it closed everything above 2 at start,
 * so that bound is small and known). */
static void close_all_but(int keep_fd, int highest_fd) {
  int ok = 1;
  if (keep_fd > 0 && raw_syscall(NR_CLOSE_RANGE, 0, keep_fd - 1, 0, 0, 0, 0) != 0) ok = 0;
  if (ok && raw_syscall(NR_CLOSE_RANGE, keep_fd + 1, (long)~0u, 0, 0, 0, 0) != 0) ok = 0;
  if (!ok)
    for (int fd = 0; fd <= highest_fd; fd++)
      if (fd != keep_fd) raw_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* the kernel's struct sigaction (not libc's): handler, flags, restorer, an 8-byte mask */
struct raw_sigaction {
  void (*handler)(int, siginfo_t *, void *);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

/* Everything a child does before running its one request, all raw (see raw_syscall). */
static void child_prepare(int result_fd, int highest_fd) {
  child_result_fd = result_fd;
  close_all_but(result_fd, highest_fd);
  /* a SIGSYS or SIGILL must not leave core files around (as libc's setrlimit: prlimit64,
   * then setrlimit where it is missing) */
  struct rlimit no_core = {0, 0};
  if (raw_syscall(SYS_prlimit64, 0, RLIMIT_CORE, (long)&no_core, 0, 0, 0) == -ENOSYS)
    raw_syscall(SYS_setrlimit, RLIMIT_CORE, (long)&no_core, 0, 0, 0, 0);
  /* in a sysv child this also makes the helper itself undumpable (the flag belongs to the
   * shared memory): it only ever was the helper's own attribute */
  raw_syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0);
  struct raw_sigaction sa = {.handler = on_sigsys, .flags = SA_SIGINFO, .mask = 0};
#ifdef RAW_SA_RESTORER
  sa.flags |= RAW_SA_RESTORER;
  sa.restorer = sbx_restore_rt;
#endif
  raw_syscall(SYS_rt_sigaction, SIGSYS, (long)&sa, 0, 8, 0, 0);
  uint64_t none = 0;
  raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, 8, 0, 0);
  child_pid = raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
  char mark = READY_MARK;
  if (raw_syscall(SYS_write, result_fd, (long)&mark, 1, 0, 0, 0) != 1) _exit(4);
}

typedef void (*child_fn)(int result_fd, void *arg);

struct child_outcome {
  int fork_errno; /* fork or pipe failed: nothing ran */
  int pipe_failed;
  int timed_out;
  int unreaped;
  int ready; /* the child finished its setup (sent READY_MARK) */
  int status_known;
  int status;
  char *output; /* what the child wrote, NUL-terminated, may be NULL */
  size_t output_len;
};

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for pid to end until the deadline: 1 reaped (status in o), 0 the deadline passed, -1
 * waitpid failed. SIGCHLD is blocked in the helper (main), so one that arrives between the
 * WNOHANG look and the wait stays pending and ends the wait at once: no polling. A SIGCHLD
 * from an earlier child only costs one more look. */
static int wait_until(pid_t pid, struct child_outcome *o, long long deadline) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (;;) {
    pid_t w = waitpid(pid, &o->status, WNOHANG);
    if (w == pid) return o->status_known = 1;
    if (w < 0 && errno != EINTR) return -1;
    long long left = deadline - now_ms();
    if (left <= 0) return 0;
    struct timespec ts = {left / 1000, (left % 1000) * 1000000};
    sigtimedwait(&chld, NULL, &ts);
  }
}

/* After EOF the child is normally exiting; if it closed its pipe and kept running, give it
 * what is left of the deadline, then kill it. It is our own child, nobody else's. */
static void reap_child(pid_t pid, struct child_outcome *o, long long deadline, int complete) {
  if (!o->timed_out && wait_until(pid, o, deadline) == 0 && !complete) o->timed_out = 1;
  if (!o->status_known) {
    kill(pid, SIGKILL);
    /* SIGKILL waits for an uninterruptible sleep to end: bound that wait too, and leave a
     * child stuck in D state behind rather than hang the scan */
    wait_until(pid, o, now_ms() + 1000);
    if (!o->status_known) o->unreaped = 1;
  }
}

/* Waits for data on fd until the deadline, then reads it. Returns the bytes read, 0 at EOF,
 * -1 on an error, -2 when the deadline passed first. */
static ssize_t read_by(int fd, char *buf, size_t size, long long deadline) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) return -2;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno != EINTR) return -1;
    if (r <= 0) continue;
    ssize_t n = read(fd, buf, size);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

/* A sysv child (share_memory) runs on this stack, in the helper's own memory. One at a time:
 * each is reaped before the next starts, except one left unreaped (stuck in the kernel), whose
 * stack is then left to it and a new one taken. */
#define CHILD_STACK_SIZE (256 * 1024)
static char *child_stack = NULL;

struct clone_start {
  child_fn fn;
  void *arg;
  int fd, highest;
};

static int clone_entry(void *p) {
  struct clone_start *c = p;
  child_prepare(c->fd, c->highest);
  c->fn(c->fd, c->arg);
  _exit(0);
}

/* Starts a child that runs fn: a fork, or with share_memory a clone(CLONE_VM) — a new process
 * with its own credentials, descriptors, signal handlers, root, limits and namespaces, but the
 * helper's memory. Under gVisor's ptrace platform a fork costs ~1.2 ms (a new address space is
 * a new host stub process), a CLONE_VM child ~0.2 ms. Only what run_child's caller passes in
 * decides: fn must not touch anything but its stack and raw_syscall (child_sys, child_cpuid). */
static pid_t start_child(child_fn fn, void *arg, int fd, int highest, int share_memory) {
#ifdef RAW_SYSCALLS
  if (share_memory) {
    if (!child_stack) {
      void *m = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (m == MAP_FAILED) return -1;
      child_stack = m;
    }
    static struct clone_start start; /* read by the child before anything else changes it */
    static int clone_vm_refused = 0;
    start = (struct clone_start){fn, arg, fd, highest};
    if (!clone_vm_refused) {
      pid_t pid = clone(clone_entry, child_stack + CHILD_STACK_SIZE, CLONE_VM | SIGCHLD, &start);
      if (pid >= 0) return pid;
      /* qemu-user (an arm64 image on an x86_64 host) refuses CLONE_VM without the thread
       * flags, and a filter may refuse it: a fork is always a correct child, only slower */
      clone_vm_refused = 1;
    }
  }
#else
  (void)share_memory;
#endif
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    child_prepare(fd, highest);
    fn(fd, arg);
    _exit(0);
  }
  return pid;
}

/* Runs fn in a child (start_child), collects its output with a deadline, kills and reaps it. */
static struct child_outcome run_child(child_fn fn, void *arg, int share_memory) {
  struct child_outcome o;
  memset(&o, 0, sizeof o);
  int p[2];
  if (pipe(p) != 0) {
    o.fork_errno = errno;
    o.pipe_failed = 1;
    return o;
  }
  int highest = p[0] > p[1] ? p[0] : p[1];
  pid_t pid = start_child(fn, arg, p[1], highest, share_memory);
  if (pid < 0) {
    o.fork_errno = errno;
    close(p[0]);
    close(p[1]);
    return o;
  }
  close(p[1]);
  long long deadline = now_ms() + timeout_ms;
  size_t cap = 0;
  for (;;) {
    char chunk[65536];
    ssize_t n = read_by(p[0], chunk, sizeof chunk, deadline);
    if (n == -2) o.timed_out = 1;
    if (n <= 0) break;
    if (o.output_len + (size_t)n + 1 > cap) {
      if (o.output_len + (size_t)n + 1 > MAX_CHILD_OUTPUT) continue; /* drop the excess */
      size_t ncap = cap ? cap * 2 : 4096;
      while (ncap < o.output_len + (size_t)n + 1) ncap *= 2;
      char *nb = realloc(o.output, ncap);
      if (!nb) continue;
      o.output = nb, cap = ncap;
    }
    memcpy(o.output + o.output_len, chunk, (size_t)n);
    o.output_len += (size_t)n;
    o.output[o.output_len] = 0;
  }
  close(p[0]);
  if (o.output_len > 0 && o.output[0] == READY_MARK) {
    o.ready = 1;
    memmove(o.output, o.output + 1, o.output_len); /* with the NUL */
    o.output_len--;
  }
  int complete = o.output_len > 0 && o.output[o.output_len - 1] == '\n';
  reap_child(pid, &o, deadline, complete);
  if (o.unreaped && share_memory) child_stack = NULL; /* still the stuck child's */
  return o;
}

/* Prints the common tail of an answer: the child's fragment when it is complete, else how
 * the child ended. Returns with the object still open (no closing brace). */
static void out_child_outcome(struct child_outcome *o) {
  if (o->fork_errno) {
    printf(o->pipe_failed ? ",\"pipe_errno\":%d" : ",\"fork_errno\":%d", o->fork_errno);
  } else if (o->timed_out) {
    out(o->unreaped ? ",\"timeout\":true,\"unreaped\":true" : ",\"timeout\":true");
  } else if (o->ready && o->output_len > 0 && o->output[o->output_len - 1] == '\n') {
    o->output[o->output_len - 1] = 0;
    putchar(',');
    out(o->output);
  } else {
    if (!o->ready) out(",\"setup_failed\":true");
    if (o->output_len > 0) out(",\"incomplete_output\":true");
    if (o->status_known && WIFSIGNALED(o->status))
      printf(",\"signal\":%d,\"trapped\":false", WTERMSIG(o->status));
    else if (o->status_known && WIFEXITED(o->status))
      printf(",\"exit\":%d", WEXITSTATUS(o->status));
    else
      out(",\"lost\":true");
  }
  free(o->output);
  o->output = NULL;
}

/* ---------- parsing ---------- */

/* decimal (optionally negative) or 0x hex, the whole token */
static int parse_u64(const char *t, uint64_t *v) {
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

static int valid_id(const char *t) {
  size_t n = strlen(t);
  if (n == 0 || n > 64) return 0;
  for (const char *c = t; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
      return 0;
  return 1;
}

/* ---------- requests ---------- */

struct sys_request {
  long nr;
  uint64_t args[6];
  int arg_is_pid[6];
  char id[65];
  int query; /* sysq: a call that only reads; its success does not end a batch child */
};

/* Runs one probe and writes its answer line; returns 1 when the call succeeded (and so may
 * have changed the calling process). */
static int sys_probe(int fd, struct sys_request *r) {
  struct frag f = {.len = 0};
  long pid = 0;
  for (int i = 0; i < 6; i++)
    if (r->arg_is_pid[i]) {
      pid = raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
      if (pid <= 0) {
        /* never let a failed getpid turn "pid" into -1 (every process) */
        frag_str(&f, "\"pid_errno\":");
        frag_i64(&f, RAW_FAILED(pid) ? -pid : 0);
        frag_send(fd, &f);
        return 0;
      }
      break;
    }
  long a[6];
  for (int i = 0; i < 6; i++) a[i] = r->arg_is_pid[i] ? pid : (long)r->args[i];
  long ret = raw_syscall(r->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  /* the answer libc's syscall() would give: -1 and the errno for -4095..-1 */
  int e = RAW_FAILED(ret) ? (int)-ret : 0;
  if (e) ret = -1;
  /* a sandbox that let a clone-like call through made a second process here: only the
   * original child answers (the other would garble the pipe) */
  if (raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0) != child_pid) _exit(0);
  frag_str(&f, "\"ret\":");
  frag_i64(&f, ret);
  frag_str(&f, ",\"errno\":");
  frag_i64(&f, e);
  frag_send(fd, &f);
  return ret >= 0;
}

static void child_sys(int fd, void *arg) { sys_probe(fd, arg); }

/* "sys ID NR A0..A5" (and "sysb", the same) into r; 0 and an error line when malformed */
static int parse_sys(char **tok, int ntok, const char *line, struct sys_request *r) {
  if (ntok != 9) return out_error(line, "sys needs: sys ID NR A0 A1 A2 A3 A4 A5"), 0;
  if (!valid_id(tok[1])) return out_error(line, "bad id (1-64 of [A-Za-z0-9_.-])"), 0;
  memset(r, 0, sizeof *r);
  uint64_t nr;
  if (!parse_u64(tok[2], &nr) || nr > 100000) return out_error(line, "bad syscall number"), 0;
  r->nr = (long)nr;
  for (int i = 0; i < 6; i++) {
    if (strcmp(tok[3 + i], "pid") == 0) r->arg_is_pid[i] = 1;
    else if (!parse_u64(tok[3 + i], &r->args[i])) return out_error(line, "bad argument"), 0;
  }
  snprintf(r->id, sizeof r->id, "%s", tok[1]);
  return 1;
}

/* sys: a forked child; sysv: a child sharing the helper's memory (start_child) */
static void do_sys(char **tok, int ntok, const char *line, int share_memory) {
  struct sys_request r;
  if (!parse_sys(tok, ntok, line, &r)) return;
  struct child_outcome o = run_child(child_sys, &r, share_memory);
  printf("{\"req\":\"sys\",\"id\":\"%s\",\"nr\":%ld", r.id, r.nr);
  out_child_outcome(&o);
  out("}\n");
}

/* ---------- batched probes (sysb) ----------
 *
 * Consecutive `sysb` requests run in one long-lived child, one after the other, each answer
 * written before the next call: a fork costs 1-2 ms under gVisor's ptrace platform, the call
 * itself 20 us. The plan sends `sysb` only for calls whose allowed answer is a failure that
 * changes nothing (src/probes/syscalls/plan.ts); anything else stays `sys`, a fresh child each.
 * The child ends — and a fresh one takes the next probe — when a call succeeds (it may have
 * changed the child), is killed (seccomp KILL), or overruns the per-probe deadline. A trap is
 * answered by the SIGSYS handler, and the child goes on. Every answer line is the one `sys`
 * would give. */

#define MAX_BATCH 1024
static struct sys_request batch[MAX_BATCH];
static int batch_n = 0;
static volatile int batch_next = 0;

static void child_batch(int fd, void *arg) {
  (void)arg;
  batch_active = 1;
  /* after a trap the handler comes back here, the trapped probe answered */
  sigsetjmp(batch_env, 1);
  while (batch_next < batch_n) {
    int k = batch_next++; /* advanced first: a trap resumes at the next probe */
    if (sys_probe(fd, &batch[k]) && !batch[k].query) _exit(0);
  }
  _exit(0);
}

static void out_batch_answer(int k, struct child_outcome *o) {
  printf("{\"req\":\"sys\",\"id\":\"%s\",\"nr\":%ld", batch[k].id, batch[k].nr);
  out_child_outcome(o);
  out("}\n");
}

static void run_batch(void) {
  int current = 0;
  while (current < batch_n) {
    struct child_outcome o;
    memset(&o, 0, sizeof o);
    int p[2];
    if (pipe(p) != 0) {
      o.fork_errno = errno, o.pipe_failed = 1;
      out_batch_answer(current++, &o);
      continue;
    }
    int highest = p[0] > p[1] ? p[0] : p[1];
    batch_next = current;
    /* a fork: a batch child's probes may not share the helper's memory (siglongjmp, errno) */
    pid_t pid = start_child(child_batch, NULL, p[1], highest, 0);
    if (pid < 0) {
      o.fork_errno = errno;
      close(p[0]);
      close(p[1]);
      out_batch_answer(current++, &o);
      continue;
    }
    close(p[1]);
    /* each answer is one line; the current probe gets timeout_ms from the previous answer */
    long long deadline = now_ms() + timeout_ms;
    char line[1024]; /* an answer is a struct frag: under 512 bytes */
    size_t len = 0;
    int ready = 0, first = 1, succeeded = 0;
    while (!succeeded && current < batch_n) {
      char chunk[4096];
      ssize_t n = read_by(p[0], chunk, sizeof chunk, deadline);
      if (n == -2) o.timed_out = 1;
      if (n <= 0) break;
      for (ssize_t i = 0; i < n && !succeeded && current < batch_n; i++) {
        char c = chunk[i];
        if (first) {
          first = 0;
          if (c == READY_MARK) {
            ready = 1;
            continue;
          }
        }
        if (c != '\n') {
          if (len < sizeof line - 1) line[len++] = c;
          continue;
        }
        line[len] = 0, len = 0;
        if (!ready) continue; /* not an answer: the child never finished its setup (said below) */
        int k = current++;
        printf("{\"req\":\"sys\",\"id\":\"%s\",\"nr\":%ld,%s}\n", batch[k].id, batch[k].nr, line);
        /* a call that succeeded ends the child (child_batch): the next probe is not its to answer */
        const char *ret = strstr(line, "\"ret\":");
        if (ret && strtoll(ret + 6, NULL, 10) >= 0 && !batch[k].query) succeeded = 1;
        deadline = now_ms() + timeout_ms;
      }
    }
    close(p[0]);
    reap_child(pid, &o, succeeded ? now_ms() + timeout_ms : deadline, succeeded);
    if (current < batch_n && !succeeded) {
      /* the child ended (or was ended) before answering the current probe: that is its answer */
      o.ready = ready;
      if (len > 0) {
        o.output = malloc(len + 1);
        if (o.output) memcpy(o.output, line, len), o.output[len] = 0, o.output_len = len;
      }
      out_batch_answer(current++, &o);
    } else {
      free(o.output);
    }
  }
  batch_n = 0;
  fflush(stdout);
}

static void do_sysb(char **tok, int ntok, const char *line, int query) {
  if (batch_n == MAX_BATCH) run_batch();
  if (parse_sys(tok, ntok, line, &batch[batch_n])) batch[batch_n++].query = query;
}

#if defined(__x86_64__) || defined(__i386__)
static void child_cpuid(int fd, void *arg) {
  struct frag f = {.len = 0};
  uint32_t leaf = *(uint32_t *)arg, a, b, c, d;
  __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(0));
  frag_str(&f, "\"eax\":");
  frag_i64(&f, a);
  frag_str(&f, ",\"ebx\":");
  frag_i64(&f, b);
  frag_str(&f, ",\"ecx\":");
  frag_i64(&f, c);
  frag_str(&f, ",\"edx\":");
  frag_i64(&f, d);
  /* the vendor string of leaf 0 is ebx,edx,ecx; of the hypervisor leaf ebx,ecx,edx */
  uint32_t order[3] = {b, leaf == 0 ? d : c, leaf == 0 ? c : d};
  if (leaf == 0 || leaf == 0x40000000) {
    char vendor[13];
    memcpy(vendor, order, 12);
    vendor[12] = 0;
    frag_str(&f, ",\"vendor_hex\":\"");
    for (int i = 0; i < 12; i++) {
      char hx[3] = {"0123456789abcdef"[(unsigned char)vendor[i] >> 4], "0123456789abcdef"[vendor[i] & 15], 0};
      frag_str(&f, hx);
    }
    frag_str(&f, "\"");
  }
  frag_send(fd, &f);
}
#endif

static void do_cpuid(char **tok, int ntok, const char *line) {
  uint64_t leaf;
  if (ntok != 2 || !parse_u64(tok[1], &leaf) || leaf > 0xffffffffu) return out_error(line, "cpuid needs: cpuid LEAF");
  if (leaf != 0 && leaf != 1 && leaf != 0x40000000) return out_error(line, "cpuid leaf must be 0, 1 or 0x40000000");
  uint32_t l = (uint32_t)leaf;
  printf("{\"req\":\"cpuid\",\"leaf\":%u", l);
#if defined(__x86_64__) || defined(__i386__)
  /* CPUID and one raw write: it may share the helper's memory */
  struct child_outcome o = run_child(child_cpuid, &l, 1);
  out_child_outcome(&o);
#else
  out(",\"error\":\"cpuid is x86 only\"");
#endif
  out("}\n");
}

/* /dev/kvm, read-only questions for `sbx-detect node`: KVM_GET_API_VERSION and
 * KVM_CHECK_EXTENSION on the system fd, in a forked child (a broken KVM module must not hang
 * the helper). Opened O_RDONLY; never KVM_CREATE_VM (on a PVM host creating a VM hangs), never
 * anything that changes state. The ioctl numbers are _IO(KVMIO=0xAE, 0x00) and _IO(0xAE, 0x03),
 * the same on x86_64 and aarch64 (asm-generic encoding). Request: `kvm [CAP …]` (≤ 12). */
static void child_kvm(int fd, void *arg) {
  const uint64_t *caps = arg; /* caps[0] = count, then the KVM_CAP_* numbers */
  struct frag f = {.len = 0};
  int kvm = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
  if (kvm < 0) {
    frag_str(&f, "\"open_errno\":");
    frag_i64(&f, errno);
    frag_send(fd, &f);
    return;
  }
  long v = syscall(SYS_ioctl, kvm, 0xAE00UL, 0UL);
  frag_str(&f, "\"api_version\":");
  frag_i64(&f, v);
  frag_str(&f, ",\"api_errno\":");
  frag_i64(&f, v < 0 ? errno : 0);
  frag_str(&f, ",\"caps\":{");
  for (uint64_t i = 1; i <= caps[0]; i++) {
    long r = syscall(SYS_ioctl, kvm, 0xAE03UL, (unsigned long)caps[i]);
    frag_str(&f, i > 1 ? ",\"" : "\"");
    frag_i64(&f, (int64_t)caps[i]);
    frag_str(&f, "\":");
    frag_i64(&f, r < 0 ? -errno : r); /* negative: the errno of a refused check */
  }
  frag_str(&f, "}");
  close(kvm);
  frag_send(fd, &f);
}

static void do_kvm(char **tok, int ntok, const char *line) {
  uint64_t caps[13] = {0};
  if (ntok - 1 > 12) return out_error(line, "kvm takes at most 12 capability numbers");
  for (int i = 1; i < ntok; i++)
    if (!parse_u64(tok[i], &caps[i]) || caps[i] > 0xffff) return out_error(line, "kvm needs: kvm [CAP ...]");
  caps[0] = (uint64_t)(ntok - 1);
  struct child_outcome o = run_child(child_kvm, caps, 0);
  out("{\"req\":\"kvm\"");
  out_child_outcome(&o);
  out("}\n");
}

/* Reads the syslog buffer. Read-only actions only: SIZE_BUFFER (10) and READ_ALL (3);
 * never READ (2, destructive) or any CLEAR action. */
static void child_syslog(int fd, void *arg) {
  size_t want = *(size_t *)arg;
  struct frag f = {.len = 0};
  long size = syscall(SYS_syslog, 10, 0, 0);
  frag_str(&f, "\"size_ret\":");
  frag_i64(&f, size);
  frag_str(&f, ",\"size_errno\":");
  frag_i64(&f, size < 0 ? errno : 0);
  if (want == 0) {
    frag_send(fd, &f);
    return;
  }
  char *buf = malloc(want);
  long n = buf ? syscall(SYS_syslog, 3, buf, (long)want) : -1;
  int e = n < 0 ? (buf ? errno : ENOMEM) : 0;
  frag_str(&f, ",\"read_ret\":");
  frag_i64(&f, n);
  frag_str(&f, ",\"read_errno\":");
  frag_i64(&f, e);
  if (n > 0) {
    /* the text goes through stdio into the pipe, escaped */
    frag_str(&f, ",\"text\":");
    write_all(fd, f.buf, f.len);
    FILE *pf = fdopen(fd, "w");
    if (!pf) _exit(3);
    out_json_string(pf, (const unsigned char *)buf, (size_t)n);
    fputc('\n', pf);
    fflush(pf);
    return;
  }
  frag_send(fd, &f);
}

static void do_syslog(char **tok, int ntok, const char *line) {
  uint64_t n;
  if (ntok != 2 || !parse_u64(tok[1], &n)) return out_error(line, "syslog needs: syslog BYTES");
  size_t want = n > MAX_SYSLOG_BYTES ? MAX_SYSLOG_BYTES : (size_t)n;
  struct child_outcome o = run_child(child_syslog, &want, 0);
  printf("{\"req\":\"syslog\",\"bytes\":%zu", want);
  out_child_outcome(&o);
  out("}\n");
}

static void child_mmap(int fd, void *arg) {
  uint64_t addr = *(uint64_t *)arg;
  struct frag f = {.len = 0};
  long page = sysconf(_SC_PAGESIZE);
  void *p = mmap((void *)(uintptr_t)addr, (size_t)page, PROT_NONE, MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    frag_str(&f, "\"ok\":false,\"errno\":");
    frag_i64(&f, errno);
  } else {
    frag_str(&f, "\"ok\":true,\"errno\":0,\"got\":");
    frag_hex(&f, (uint64_t)(uintptr_t)p);
    /* kernels before 4.17 ignore MAP_FIXED_NOREPLACE and treat the address as a hint */
    frag_str(&f, (uintptr_t)p == addr ? ",\"at_addr\":true" : ",\"at_addr\":false");
    munmap(p, (size_t)page);
  }
  frag_send(fd, &f);
}

static void do_mmap(char **tok, int ntok, const char *line) {
  uint64_t addr;
  if (ntok != 2 || !parse_u64(tok[1], &addr)) return out_error(line, "mmap needs: mmap ADDR");
  struct child_outcome o = run_child(child_mmap, &addr, 0);
  printf("{\"req\":\"mmap\",\"addr\":\"0x%llx\"", (unsigned long long)addr);
  out_child_outcome(&o);
  out("}\n");
}

struct timing_request {
  long nr;
  long count;
};

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Calls are timed in batches so the clock's own cost does not swamp a 100 ns syscall. */
static void child_timing(int fd, void *arg) {
  struct timing_request *t = arg;
  struct frag f = {.len = 0};
  enum { BATCH = 32 };
  long batches = (t->count + BATCH - 1) / BATCH;
  int64_t *per_call = malloc(sizeof(int64_t) * (size_t)batches);
  if (!per_call) {
    frag_str(&f, "\"error\":\"out of memory\"");
    frag_send(fd, &f);
    return;
  }
  errno = 0;
  long first = syscall(t->nr, 0, 0, 0, 0, 0, 0);
  int first_errno = first == -1 ? errno : 0;
  for (long b = 0; b < batches; b++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < BATCH; i++) syscall(t->nr, 0, 0, 0, 0, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    per_call[b] = ((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec)) / BATCH;
  }
  qsort(per_call, (size_t)batches, sizeof(int64_t), cmp_i64);
  frag_str(&f, "\"count\":");
  frag_i64(&f, batches * BATCH);
  frag_str(&f, ",\"median_ns\":");
  frag_i64(&f, per_call[batches / 2]);
  frag_str(&f, ",\"min_ns\":");
  frag_i64(&f, per_call[0]);
  frag_str(&f, ",\"ret\":");
  frag_i64(&f, first);
  frag_str(&f, ",\"errno\":");
  frag_i64(&f, first_errno);
  frag_send(fd, &f);
}

static void do_timing(char **tok, int ntok, const char *line) {
  uint64_t nr, count;
  if (ntok != 3 || !parse_u64(tok[1], &nr) || !parse_u64(tok[2], &count) || nr > 100000 || count == 0)
    return out_error(line, "timing needs: timing NR COUNT");
  struct timing_request t = {(long)nr, count > MAX_TIMING_COUNT ? MAX_TIMING_COUNT : (long)count};
  struct child_outcome o = run_child(child_timing, &t, 0);
  printf("{\"req\":\"timing\",\"nr\":%ld", t.nr);
  out_child_outcome(&o);
  out("}\n");
}

static void do_timeout(char **tok, int ntok, const char *line) {
  uint64_t ms;
  if (ntok != 2 || !parse_u64(tok[1], &ms) || ms < 1 || ms > 600000) return out_error(line, "timeout_ms needs 1..600000");
  timeout_ms = (int)ms;
  printf("{\"req\":\"timeout_ms\",\"value\":%d}\n", timeout_ms);
}

/* ---------- read-only host questions (the remote collector, --via) ----------
 *
 * `read ID PATH`, `list ID PATH`, `link ID PATH`, `stat ID PATH`, `env ID NAME`, `uname ID`,
 * `sync ID`: everything after the ID is the path, spaces included. These answer in the helper
 * itself, without a child: they only open, read, list and stat, and under gVisor a fork costs
 * a millisecond or two. Nothing here writes, and open() gets O_NONBLOCK so a FIFO cannot hang
 * the helper. */

/* the readers' cap (src/readers/host.ts MAX_READ_BYTES): one more byte tells "larger" */
#define MAX_READ_BYTES (4 * 1024 * 1024)
#define MAX_LIST_NAMES 100000

/* Secrets stay in the target: their contents never cross the channel (stat still answers). */
static int is_secret_path(const char *p) {
  static const char *const dirs[] = {"/run/secrets", "/var/run/secrets"};
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    size_t n = strlen(dirs[i]);
    if (strncmp(p, dirs[i], n) == 0 && (p[n] == 0 || p[n] == '/')) return 1;
  }
  return 0;
}

/* /proc/PID/environ and /proc/PID/task/TID/environ: only container= entries leave the target */
static int is_environ_path(const char *p) {
  if (strncmp(p, "/proc/", 6) != 0) return 0;
  size_t n = strlen(p);
  return n > 14 && strcmp(p + n - 8, "/environ") == 0;
}

static void out_answer_head(const char *req, const char *id) {
  printf("{\"req\":\"%s\",\"id\":\"%s\"", req, id);
}

static void do_read(const char *id, const char *path) {
  out_answer_head("read", id);
  char real[PATH_MAX];
  const char *resolved = realpath(path, real) ? real : path;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    printf(",\"errno\":%d}\n", errno);
    return;
  }
  /* opened first, so a missing secret still says ENOENT; its bytes are never read */
  if (is_secret_path(path) || is_secret_path(resolved)) {
    close(fd);
    out(",\"refused\":\"secret\"}\n");
    return;
  }
  size_t cap = 65536, len = 0;
  unsigned char *buf = malloc(cap);
  int err = buf ? 0 : ENOMEM, truncated = 0;
  while (!err) {
    if (len == cap) {
      size_t ncap = cap * 2 > MAX_READ_BYTES + 1 ? MAX_READ_BYTES + 1 : cap * 2;
      unsigned char *nb = realloc(buf, ncap);
      if (!nb) {
        err = ENOMEM;
        break;
      }
      buf = nb, cap = ncap;
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (r == 0) break;
    len += (size_t)r;
    if (len > MAX_READ_BYTES) {
      truncated = 1;
      break;
    }
  }
  close(fd);
  if (err) printf(",\"errno\":%d}\n", err);
  else if (truncated) out(",\"truncated\":true}\n");
  else {
    if (is_environ_path(resolved)) {
      /* keep the NUL-separated container= entries, joined by NUL, as the archive does */
      size_t w = 0;
      for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && buf[e]) e++;
        if (e - i >= 10 && memcmp(buf + i, "container=", 10) == 0) {
          if (w) buf[w++] = 0;
          memmove(buf + w, buf + i, e - i);
          w += e - i;
        }
        i = e + 1;
      }
      len = w;
      out(",\"filtered\":\"environ\"");
    }
    out(",\"data\":");
    out_json_bytes(stdout, buf, len);
    out("}\n");
  }
  free(buf);
}

static void do_list(const char *id, const char *path) {
  out_answer_head("list", id);
  DIR *d = opendir(path);
  if (!d) {
    printf(",\"errno\":%d}\n", errno);
    return;
  }
  out(",\"names\":[");
  int first = 1, count = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (++count > MAX_LIST_NAMES) break;
    if (!first) putchar(',');
    first = 0;
    out_json_bytes(stdout, (const unsigned char *)e->d_name, strlen(e->d_name));
  }
  int err = errno;
  closedir(d);
  putchar(']');
  if (count > MAX_LIST_NAMES) out(",\"truncated\":true");
  else if (err) printf(",\"errno\":%d", err);
  out("}\n");
}

static void do_link(const char *id, const char *path) {
  out_answer_head("link", id);
  char target[PATH_MAX + 1];
  ssize_t n = readlink(path, target, PATH_MAX);
  if (n < 0) {
    printf(",\"errno\":%d}\n", errno);
    return;
  }
  out(",\"target\":");
  out_json_bytes(stdout, (const unsigned char *)target, (size_t)n);
  out("}\n");
}

static void do_stat(const char *id, const char *path) {
  out_answer_head("stat", id);
  struct stat st;
  if (lstat(path, &st) != 0) {
    printf(",\"errno\":%d}\n", errno);
    return;
  }
  printf(",\"mode\":%u,\"uid\":%u,\"gid\":%u,\"size\":%lld,\"ino\":%llu,\"dev\":%llu,\"rdev\":%llu}\n", (unsigned)st.st_mode,
         (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size, (unsigned long long)st.st_ino,
         (unsigned long long)st.st_dev, (unsigned long long)st.st_rdev);
}

static void do_env(const char *id, const char *name) {
  out_answer_head("env", id);
  const char *v = getenv(name);
  if (!v) out(",\"unset\":true}\n");
  else {
    out(",\"value\":");
    out_json_bytes(stdout, (const unsigned char *)v, strlen(v));
    out("}\n");
  }
}

static void do_uname(const char *id) {
  out_answer_head("uname", id);
  struct utsname u;
  if (uname(&u) != 0) {
    printf(",\"errno\":%d}\n", errno);
    return;
  }
  out(",\"release\":");
  out_json_bytes(stdout, (const unsigned char *)u.release, strlen(u.release));
  out(",\"version\":");
  out_json_bytes(stdout, (const unsigned char *)u.version, strlen(u.version));
  out(",\"machine\":");
  out_json_bytes(stdout, (const unsigned char *)u.machine, strlen(u.machine));
  out("}\n");
}

/* "VERB ID REST": returns 1 when the line was one of the host questions (answered or refused). */
static int handle_host_question(const char *line) {
  static const char *const verbs[] = {"read", "list", "link", "stat", "env", "uname", "sync"};
  const char *sp = strchr(line, ' ');
  size_t vlen = sp ? (size_t)(sp - line) : strlen(line);
  int verb = -1;
  for (int i = 0; i < (int)(sizeof verbs / sizeof verbs[0]); i++)
    if (strlen(verbs[i]) == vlen && strncmp(line, verbs[i], vlen) == 0) verb = i;
  if (verb < 0) return 0;
  char id[65];
  const char *rest = NULL;
  if (sp) {
    const char *idstart = sp + 1, *idend = strchr(idstart, ' ');
    size_t n = idend ? (size_t)(idend - idstart) : strlen(idstart);
    if (n > 64) n = 0;
    memcpy(id, idstart, n);
    id[n] = 0;
    rest = idend ? idend + 1 : NULL;
  } else id[0] = 0;
  if (!valid_id(id)) return out_error(line, "bad id (1-64 of [A-Za-z0-9_.-])"), 1;
  int wants_path = verb <= 4;
  if (wants_path && (!rest || !*rest)) return out_error(line, "needs: VERB ID PATH"), 1;
  if (!wants_path && rest) return out_error(line, "takes no argument after the id"), 1;
  switch (verb) {
    case 0: do_read(id, rest); break;
    case 1: do_list(id, rest); break;
    case 2: do_link(id, rest); break;
    case 3: do_stat(id, rest); break;
    case 4: do_env(id, rest); break;
    case 5: do_uname(id); break;
    case 6:
      printf("{\"req\":\"sync\",\"id\":\"%s\"}\n", id);
      fflush(stdout);
      break;
  }
  return 1;
}

static void handle_line(char *line) {
  char copy[MAX_LINE + 2];
  snprintf(copy, sizeof copy, "%s", line);
  int is_sysb = strncmp(line, "sysb ", 5) == 0 || strncmp(line, "sysq ", 5) == 0;
  if (!is_sysb && batch_n) run_batch(); /* answers stay in request order */
  if (line[0] != '#' && handle_host_question(line)) return; /* flushed by sync, not per answer */
  char *tok[MAX_TOKENS];
  int ntok = 0;
  for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
    if (ntok == MAX_TOKENS) return out_error(copy, "too many tokens");
    tok[ntok++] = t;
  }
  if (ntok == 0 || tok[0][0] == '#') return;
  if (strcmp(tok[0], "sys") == 0) do_sys(tok, ntok, copy, 0);
  else if (strcmp(tok[0], "sysv") == 0) do_sys(tok, ntok, copy, 1);
  else if (strcmp(tok[0], "sysb") == 0) return do_sysb(tok, ntok, copy, 0); /* answered by run_batch */
  else if (strcmp(tok[0], "sysq") == 0) return do_sysb(tok, ntok, copy, 1);
  else if (strcmp(tok[0], "timeout_ms") == 0) do_timeout(tok, ntok, copy);
  else if (strcmp(tok[0], "cpuid") == 0) do_cpuid(tok, ntok, copy);
  else if (strcmp(tok[0], "syslog") == 0) do_syslog(tok, ntok, copy);
  else if (strcmp(tok[0], "mmap") == 0) do_mmap(tok, ntok, copy);
  else if (strcmp(tok[0], "timing") == 0) do_timing(tok, ntok, copy);
  else if (strcmp(tok[0], "kvm") == 0) do_kvm(tok, ntok, copy);
  else out_error(copy, "unknown request");
  fflush(stdout);
}

/* Closes every inherited descriptor above 2, so a child's close loop has a small bound.
 * close_range first. Where it is missing (gVisor 20221219) or refused, close what
 * /proc/self/fd lists: a close() loop up to RLIMIT_NOFILE costs ~60 us a call under gVisor's
 * ptrace platform, seconds at the NOFILE a container is commonly given. The bounded loop is the
 * last resort, when /proc is not there. */
static void close_inherited(void) {
  if (syscall(NR_CLOSE_RANGE, 3u, ~0u, 0u) == 0) return;
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

/* --unlink PATH: the helper was written into a private directory by the --via bootstrap
 * (src/readers/remote/bootstrap.ts); it removes the file and that directory once it runs, so
 * nothing stays in the target even if the channel dies. Only a file named sbx-helper in a
 * directory named sbx-via.* is removed. Returns 0 or an errno. */
static int remove_own_copy(const char *file) {
  const char *slash = strrchr(file, '/');
  if (!slash || strcmp(slash + 1, "sbx-helper") != 0) return EINVAL;
  size_t dlen = (size_t)(slash - file);
  char dir[PATH_MAX];
  if (dlen == 0 || dlen >= sizeof dir) return EINVAL;
  memcpy(dir, file, dlen);
  dir[dlen] = 0;
  const char *base = strrchr(dir, '/');
  base = base ? base + 1 : dir;
  if (strncmp(base, "sbx-via.", 8) != 0) return EINVAL;
  if (unlink(file) != 0) return errno;
  if (rmdir(dir) != 0) return errno;
  return 0;
}

/* Usage: sbx-helper [--ping] [--remote] [--unlink PATH] [-- REQUEST...]
 * With no argument it reads a plan on stdin (the local tool). --remote first prints a hello
 * line; each REQUEST after -- is executed before stdin is read (the first round of --via). */
int main(int argc, char **argv) {
  close_inherited();
  signal(SIGPIPE, SIG_IGN); /* a reader gone away ends us through a write error, not a signal */
  /* children must be ours to wait for (an inherited SIG_IGN would reap them unseen), and their
   * SIGCHLD stays pending for wait_until; each child unblocks everything in its setup */
  signal(SIGCHLD, SIG_DFL);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
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
  if (batch_n) run_batch();
  fflush(stdout);
  return 0;
}
