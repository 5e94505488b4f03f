/*
 * probe-pool.c: the probes of sbx-helper (see common.c for the whole program).
 *
 * Safety: every request that runs a syscall or a CPU instruction the sandbox may not like —
 * sys, sysv, sysb, sysq, cpuid, mmap, timing, syslog (queued, up to POOL_SLOTS children at once,
 * answered in request order) and kvm (alone) — runs in a child (a fork, or a clone(CLONE_VM)
 * that shares the helper's memory) that holds no descriptor except its result pipe (an allowed
 * fchmod(0, 0) on an inherited /dev/null once made this machine's /dev/null mode 0000), cannot
 * dump core, and is SIGKILLed by the parent when it overruns the timeout (timeout_ms).
 *
 * This file must NEVER:
 * - make a call from the plan in the helper itself: the helper only sets up (once, before its
 *   first child: prepare_for_children), starts, waits for, kills and reaps children;
 * - let a child hold a descriptor an allowed call could act on: a child closes every one but its
 *   result pipe (a pool child keeps none at all), fd 0-2 included, closed and never pointed at
 *   /dev/null;
 * - let a child dump core (no_core_dumps: RLIMIT_CORE 0, not dumpable) or outlive its deadline (SIGKILLed and
 *   reaped; one stuck in the kernel is left unreaped, and its stack is never used again);
 * - let a child that shares the helper's memory write anything of the helper's but its own board
 *   slot (and a syslog child its buffer): not errno, not a lock, not a stdio buffer — from its
 *   setup to its exit it makes raw_syscall()s only;
 * - make a call with an effect of its own choosing: syslog asks only SIZE_BUFFER and READ_ALL
 *   (never READ, which consumes, or CLEAR); kvm opens /dev/kvm O_RDONLY and asks only
 *   KVM_GET_API_VERSION and KVM_CHECK_EXTENSION (never KVM_CREATE_VM); mmap maps one PROT_NONE
 *   page, never over a mapping (MAP_FIXED_NOREPLACE; a kernel before 4.17 takes the address as
 *   a hint), and unmaps it; timing calls the plan's number with zero arguments. A sys, sysv,
 *   sysb or sysq call is exactly the plan's, whose arguments the plan vets
 *   (src/probes/syscalls/plan.ts);
 * - let a failed getpid make a `pid` argument -1 (every process), let the second process a
 *   clone-like call made answer, or keep a batch child after a call in it succeeded (only sysq
 *   calls, which read, do not end it);
 * - print an answer out of request order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif
#define MAX_CHILD_OUTPUT (8 * 1024 * 1024)
#define MAX_SYSLOG_BYTES (1024 * 1024)
#define MAX_TIMING_COUNT (32 * 1024) /* 1024 batches of 32 */

static int timeout_ms = 1000;

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

/* A pool child (run_pool) writes each answer into its slot of this board, shared memory the
 * helper mapped before any child (MAP_SHARED: a forked child writes here too), and then counts
 * it: no write() and no read() per answer, ~20 us each under gVisor. An answer is complete once
 * counted; a child killed while copying one leaves it uncounted, and the probe gets the child's
 * death as its answer. `ready` is the child's READY_MARK. */
#define ANSWER_SIZE 512 /* a struct frag, at most */
#define BATCH_RUN 512   /* the most answers one child gives: a whole scan's batched probes (a fork each run is costly under gVisor's systrap) */
struct board_slot {
  volatile int ready;
  int answered; /* how many answers are complete; stored with release, read with acquire */
  /* a run child's own word that its last counted answer ends it (stored before that answer is
   * counted): the helper then gives the next probe to a fresh child, not the child's death */
  int stops;
  size_t used;  /* the child's own: where its next answer goes */
  /* the answers one after the other, each NUL-terminated: packed, so a child and the helper
   * touch a page or two (each first touch is a page fault, costly under gVisor) */
  char data[BATCH_RUN * ANSWER_SIZE];
};

/* What a probe child knows of itself: where its answers go (a board slot, or a pipe for the
 * children run_child runs alone) and its pid (to notice a call that made another process). A
 * forked child keeps it in forked_self, its own copy; a child that shares the helper's memory
 * keeps it in its slot (see self_of_stack), since several run at once. */
struct child_self {
  int fd; /* -1 for a pool child */
  struct board_slot *board;
  long pid;
};
static struct child_self forked_self = {-1, NULL, 0};

/* One complete answer from a child: into its board slot, or down its pipe. */
static void answer(struct child_self *self, struct frag *f) {
  struct board_slot *b = self->board;
  if (!b) return frag_send(self->fd, f);
  if (b->answered >= BATCH_RUN || b->used + f->len + 1 > sizeof b->data) return;
  memcpy(b->data + b->used, f->buf, f->len);
  b->data[b->used + f->len] = 0;
  b->used += f->len + 1;
  __atomic_store_n(&b->answered, b->answered + 1, __ATOMIC_RELEASE);
}
/* A run of batched probes that one child works through, one call after the other (child_run):
 * where it is, and its way back to its loop after a trap (the trapped probe answered). A child
 * sharing the helper's memory finds its run in its slot (run_of_stack); a forked one in
 * forked_run, set in its own copy of memory when it starts. */
struct run {
  int next, end; /* the next probe of the queue, one past the last */
  volatile int active; /* set by the child once its way back is set; cleared for every new child */
  sigjmp_buf env;
};
static struct run *forked_run = NULL;
/* written by a probe child once its setup is done: a child that dies without it died in its
 * setup (a filter that kills prctl or sigaction), and its death says nothing about the probe */
#define READY_MARK '+'

static struct child_self *self_of_stack(const void *sp);
struct shared_stack;
static struct shared_stack *slot_of_stack(const void *sp);
static struct run *run_of_stack(const void *sp);

/* the SIGSYS handler's way back (raw_syscall is in common.h) */
#if defined(__x86_64__)
/* x86_64 needs SA_RESTORER: the handler returns through rt_sigreturn */
__asm__(".text\n.type sbx_restore_rt,@function\nsbx_restore_rt:\n\tmov $15, %rax\n\tsyscall\n");
void sbx_restore_rt(void);
#define RAW_SA_RESTORER 0x04000000UL
#elif defined(__aarch64__)
/* as libc does, the handler returns through our own rt_sigreturn (139), not the vDSO's */
__asm__(".text\n.type sbx_restore_rt,%function\nsbx_restore_rt:\n\tmov x8, #139\n\tsvc 0\n");
void sbx_restore_rt(void);
#define RAW_SA_RESTORER 0x04000000UL
#endif

/* the kernel's struct sigaction (not libc's): handler, flags, restorer, an 8-byte mask */
struct raw_sigaction {
  void (*handler)(int, siginfo_t *, void *);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};


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
  struct child_self *self = self_of_stack(&f);
  if (self->pid <= 0) {
    /* not a probe child: the helper itself (or a child before its setup) made a call a filter
     * traps. It dies of SIGSYS, as it would without the handler, and its parent sees that */
    struct raw_sigaction dfl = {.handler = NULL, .flags = 0, .mask = 0};
    raw_syscall(SYS_rt_sigaction, SIGSYS, (long)&dfl, 0, 8, 0, 0);
    uint64_t sys_bit = 1ULL << (SIGSYS - 1);
    raw_syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&sys_bit, 0, 8, 0, 0);
    raw_syscall(SYS_kill, raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGSYS, 0, 0, 0, 0);
    _exit(128 + SIGSYS);
  }
  answer(self, &f);
  /* in a run child the answer is written: go on with the next probe (no state changed: a
   * trapped call never ran) */
  struct run *run = run_of_stack(&f);
  if (run && run->active) siglongjmp(run->env, 1);
  _exit(0);
}

/* Leaves only keep_fd open (none when it is -1). close_range first; when a filter refuses it,
 * a close() loop up to the highest descriptor the helper can hold (it closed everything above
 * 2 at start, so that bound is small and known; close_range_missing, common.c, when its own
 * close_range failed then). */
static void close_all_but(int keep_fd, int highest_fd) {
  int ok = !close_range_missing;
  if (keep_fd < 0) {
    if (ok && raw_syscall(NR_CLOSE_RANGE, 0, (long)~0u, 0, 0, 0, 0) == 0) return;
    for (int fd = 0; fd <= highest_fd; fd++) raw_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
    return;
  }
  if (keep_fd > 0 && ok && raw_syscall(NR_CLOSE_RANGE, 0, keep_fd - 1, 0, 0, 0, 0) != 0) ok = 0;
  if (ok && raw_syscall(NR_CLOSE_RANGE, keep_fd + 1, (long)~0u, 0, 0, 0, 0) != 0) ok = 0;
  if (!ok)
    for (int fd = 0; fd <= highest_fd; fd++)
      if (fd != keep_fd) raw_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
}

/* What every child would otherwise set up for itself, done once by the helper before its
 * first child (each child inherits it, fork or clone): no core file from a SIGSYS or SIGILL,
 * nor a dump through a core_pattern pipe (which ignores RLIMIT_CORE), and the SIGSYS handler
 * that answers a trapped call. These are the helper's own calls, like close_range at its start:
 * a filter that kills one kills the helper, and the report says so. */
void prepare_for_children(void) {
  no_core_dumps();
  struct raw_sigaction sa = {.handler = on_sigsys, .flags = SA_SIGINFO, .mask = 0};
#ifdef RAW_SA_RESTORER
  sa.flags |= RAW_SA_RESTORER;
  sa.restorer = sbx_restore_rt;
#endif
  raw_syscall(SYS_rt_sigaction, SIGSYS, (long)&sa, 0, 8, 0, 0);
}

/* Everything a child does before running its request, all raw (see raw_syscall): its
 * descriptors closed, its pid known (a child sharing memory has it from clone already). Its
 * signal mask is the helper's, set at its start: SIGCHLD alone blocked, which no probe sends or
 * waits for (and the signals a probe can die of — seccomp's SIGSYS, SIGSEGV, SIGILL — are
 * delivered whatever the mask). */
static void child_prepare(struct child_self *self, int highest_fd) {
  close_all_but(self->fd, highest_fd);
  if (self->pid <= 0) self->pid = raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
  if (self->board) {
    self->board->ready = 1;
    return;
  }
  char mark = READY_MARK;
  if (raw_syscall(SYS_write, self->fd, (long)&mark, 1, 0, 0, 0) != 1) _exit(4);
}

/* What a child runs after child_prepare: arg is the request, self where its answers go. */
typedef void (*child_fn)(void *arg, struct child_self *self);

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
 * from another child only costs one more look. */
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

/* ---------- starting a child ----------
 *
 * A child is a fork, or with share_memory a clone(CLONE_VM): a new process with its own
 * credentials, descriptors, signal handlers, root, limits and namespaces, but the helper's
 * memory. Under gVisor's ptrace platform a fork costs 1.2-2 ms (a new address space is a new
 * host stub process), a CLONE_VM child ~0.2 ms. Such a child runs only code that touches
 * nothing but its own stack, its board slot and raw_syscall (child_sys, child_cpuid,
 * child_mmap): it must not write the helper's errno, a lock or a stdio buffer while the helper
 * runs beside it.
 *
 * Up to POOL_SLOTS children run at once (run_pool); each slot that shares memory has its own
 * stack, with a guard page below it, and its own child_self. A slot whose child could not be
 * reaped (stuck in the kernel) keeps its stack for that child: it forks from then on. */
#define POOL_SLOTS 4
#define CHILD_STACK_SIZE (256 * 1024)
#define GUARD_SIZE 4096

struct shared_stack {
  struct child_self self;
  /* the run of the slot's child (a forked child works on its own copy) */
  struct run run;
  int lost; /* its child was never reaped: the stack may still be in use */
  struct clone_start {
    child_fn fn;
    void *arg;
    int highest;
  } start; /* read by the child before anything else changes it */
  pid_t tid; /* the child's pid, written by clone (CLONE_CHILD_SETTID) */
};
static struct shared_stack stacks[POOL_SLOTS];
static char *stack_area = NULL; /* POOL_SLOTS x (guard page + stack) */
static int clone_vm_refused = 0;
/* every probe child made, for the `stats` request: what a report costs in processes */
static unsigned long children_forked = 0, children_shared = 0;
/* how many children run at once (`pool N`): fewer where CPU time is scarce (a CPU quota, under
 * which more children only wait, and under gVisor's systrap spin, for their turn) */
static int pool_slots = POOL_SLOTS;

/* the slot whose stack sp is on: a child sharing the helper's memory; NULL for a forked one */
static struct shared_stack *slot_of_stack(const void *sp) {
  uintptr_t a = (uintptr_t)sp, base = (uintptr_t)stack_area;
  if (stack_area && a >= base && a < base + POOL_SLOTS * (GUARD_SIZE + CHILD_STACK_SIZE))
    return &stacks[(a - base) / (GUARD_SIZE + CHILD_STACK_SIZE)];
  return NULL;
}

static struct child_self *self_of_stack(const void *sp) {
  struct shared_stack *s = slot_of_stack(sp);
  return s ? &s->self : &forked_self;
}

static struct run *run_of_stack(const void *sp) {
  struct shared_stack *s = slot_of_stack(sp);
  return s ? &s->run : forked_run;
}

static int clone_entry(void *p) {
  struct shared_stack *s = p;
  s->self.pid = s->tid;
  child_prepare(&s->self, s->start.highest);
  s->start.fn(s->start.arg, &s->self);
  _exit(0);
}

/* Starts a child on slot `slot` (its stack, when it shares memory) whose answers go where
 * `to` says (a pipe or a board slot). Returns its pid, or -1 with errno. */
static pid_t start_child(child_fn fn, void *arg, struct child_self to, int highest, int share_memory, int slot) {
#ifdef RAW_SYSCALLS
  if (share_memory && !clone_vm_refused && !stacks[slot].lost) {
    if (!stack_area) {
      size_t size = POOL_SLOTS * (GUARD_SIZE + CHILD_STACK_SIZE);
      void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (m == MAP_FAILED) return -1;
      for (int i = 0; i < POOL_SLOTS; i++) mprotect((char *)m + i * (GUARD_SIZE + CHILD_STACK_SIZE), GUARD_SIZE, PROT_NONE);
      stack_area = m;
    }
    struct shared_stack *s = &stacks[slot];
    s->start = (struct clone_start){fn, arg, highest};
    s->self = to;
    s->tid = 0;
    char *top = stack_area + (size_t)slot * (GUARD_SIZE + CHILD_STACK_SIZE) + GUARD_SIZE + CHILD_STACK_SIZE;
    /* CLONE_CHILD_SETTID: the kernel writes the child's pid into its (shared) slot before it
     * runs, so it need not ask */
    pid_t pid = clone(clone_entry, top, CLONE_VM | CLONE_CHILD_SETTID | SIGCHLD, s, NULL, NULL, &s->tid);
    if (pid >= 0) {
      children_shared++;
      return pid;
    }
    /* qemu-user (an arm64 image on an x86_64 host) refuses CLONE_VM without the thread
     * flags, and a filter may refuse it: a fork is always a correct child, only slower */
    if (errno != EAGAIN && errno != ENOMEM) clone_vm_refused = 1;
    else return -1;
  }
#else
  (void)share_memory;
#endif
  (void)slot;
  fflush(stdout);
  pid_t pid = fork();
  if (pid > 0) children_forked++;
  if (pid == 0) {
    forked_self = to;
    forked_self.pid = 0; /* asked in child_prepare */
    child_prepare(&forked_self, highest);
    fn(arg, &forked_self);
    _exit(0);
  }
  return pid;
}

/* Runs fn in one forked child, alone, collects its output with a deadline, kills and reaps
 * it: for the requests whose answer may be large (syslog) or that run once (timing, kvm). */
static struct child_outcome run_child(child_fn fn, void *arg) {
  struct child_outcome o;
  memset(&o, 0, sizeof o);
  int p[2];
  if (pipe(p) != 0) {
    o.fork_errno = errno;
    o.pipe_failed = 1;
    return o;
  }
  int highest = p[0] > p[1] ? p[0] : p[1];
  pid_t pid = start_child(fn, arg, (struct child_self){p[1], NULL, 0}, highest, 0, 0);
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
  return o;
}

/* Writes the common tail of an answer to f: the child's fragment when it is complete, else how
 * the child ended. Leaves the object open (no closing brace). */
static void out_child_outcome(FILE *f, struct child_outcome *o) {
  if (o->fork_errno) {
    fprintf(f, o->pipe_failed ? ",\"pipe_errno\":%d" : ",\"fork_errno\":%d", o->fork_errno);
  } else if (o->timed_out) {
    fputs(o->unreaped ? ",\"timeout\":true,\"unreaped\":true" : ",\"timeout\":true", f);
  } else if (o->ready && o->output_len > 0 && o->output[o->output_len - 1] == '\n') {
    o->output[o->output_len - 1] = 0;
    fputc(',', f);
    fputs(o->output, f);
  } else {
    if (!o->ready) fputs(",\"setup_failed\":true", f);
    if (o->output_len > 0) fputs(",\"incomplete_output\":true", f);
    if (o->status_known && WIFSIGNALED(o->status))
      fprintf(f, ",\"signal\":%d,\"trapped\":false", WTERMSIG(o->status));
    else if (o->status_known && WIFEXITED(o->status))
      fprintf(f, ",\"exit\":%d", WEXITSTATUS(o->status));
    else
      fputs(",\"lost\":true", f);
  }
  free(o->output);
  o->output = NULL;
}

/* ---------- requests ---------- */

#define MAX_GOOD_ERRNOS 8
struct sys_request {
  long nr;
  uint64_t args[6];
  int arg_is_pid[6];
  char id[65];
  /* sysc: the errnos after which its batch child goes on (any other answer ends the child),
   * and whether a success does too (`ok` in the list: a call whose success changes nothing) */
  int good_errnos[MAX_GOOD_ERRNOS];
  int n_good;
  int success_goes_on;
};

/* A checked probe's answer lets its run child go on: a failure with one of its good errnos (the
 * call was refused before doing anything), or a success where that changes nothing. */
static int checked_goes_on(const struct sys_request *r, long ret, int e) {
  if (ret >= 0) return r->success_goes_on;
  if (ret != -1) return 0;
  for (int i = 0; i < r->n_good; i++)
    if (r->good_errnos[i] == e) return 1;
  return 0;
}

/* Makes one probe's call, its answer in *f (not yet given); 1 when the call was made, with its
 * result in *ret (-1 on failure) and *e, 0 when it was not (a failed getpid for a `pid`). */
static int sys_call(struct child_self *self, struct sys_request *r, struct frag *f, long *ret_out, int *e_out) {
  long pid = 0;
  for (int i = 0; i < 6; i++)
    if (r->arg_is_pid[i]) {
      pid = raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
      if (pid <= 0) {
        /* never let a failed getpid turn "pid" into -1 (every process) */
        frag_str(f, "\"pid_errno\":");
        frag_i64(f, RAW_FAILED(pid) ? -pid : 0);
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
  /* a sandbox that let a clone-like call through made a second process here, where the call
   * returned 0: only the original child answers (the other would garble the pipe) */
  if (ret == 0 && raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0) != self->pid) _exit(0);
  frag_str(f, "\"ret\":");
  frag_i64(f, ret);
  frag_str(f, ",\"errno\":");
  frag_i64(f, e);
  *ret_out = ret, *e_out = e;
  return 1;
}

static void child_sys(void *arg, struct child_self *self) {
  struct frag f = {.len = 0};
  long ret;
  int e;
  sys_call(self, arg, &f, &ret, &e);
  answer(self, &f);
}

/* "sys ID NR A0..A5" (and sysv, sysb, sysq) into r; NULL, or what is wrong with it */
static const char *parse_sys(char **tok, int ntok, struct sys_request *r, int checked) {
  if (!checked && ntok != 9) return "sys needs: sys ID NR A0 A1 A2 A3 A4 A5";
  if (checked && ntok != 10) return "sysc needs: sysc ID NR A0 A1 A2 A3 A4 A5 ERRNO[,ERRNO…][,ok]";
  if (!valid_id(tok[1])) return "bad id (1-64 of [A-Za-z0-9_.-])";
  memset(r, 0, sizeof *r);
  uint64_t nr;
  if (!parse_u64(tok[2], &nr) || nr > 100000) return "bad syscall number";
  r->nr = (long)nr;
  for (int i = 0; i < 6; i++) {
    if (strcmp(tok[3 + i], "pid") == 0) r->arg_is_pid[i] = 1;
    else if (!parse_u64(tok[3 + i], &r->args[i])) return "bad argument";
  }
  snprintf(r->id, sizeof r->id, "%s", tok[1]);
  if (checked) {
    char list[128];
    snprintf(list, sizeof list, "%s", tok[9]);
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      uint64_t e;
      if (strcmp(t, "ok") == 0) {
        r->success_goes_on = 1;
        continue;
      }
      if (r->n_good == MAX_GOOD_ERRNOS || !parse_u64(t, &e) || e == 0 || e > 4095) return "bad errno list (1-8 of 1..4095, and ok)";
      r->good_errnos[r->n_good++] = (int)e;
    }
  }
  return NULL;
}

/* ---------- the probe pool ----------
 *
 * sys, sysv, sysb, sysq, cpuid, mmap, timing and syslog requests are queued and run by
 * run_pool, up to POOL_SLOTS children at once. Answers are printed in request order.
 *
 * A fresh probe (sys: a fork; sysv, cpuid, mmap, timing, syslog: a child sharing the helper's
 * memory) gets a child of its own. Consecutive batched probes (sysb, sysq) are cut into runs of up to
 * BATCH_RUN, and each run goes through one forked child after the other: the calls one after
 * the other, each answer written before the next call. That child ends — and a fresh one goes
 * on from the next probe of the run — when a call succeeds (it may have changed the child;
 * sysq calls only read, and do not end it), is killed (seccomp KILL), or overruns the per-probe
 * deadline (timeout_ms from the previous answer). A trap is answered by the SIGSYS handler, and
 * the child goes on: the trapped call never ran. Every answer line is the one `sys` would give. */

/* A run of consecutive checked probes (sysc) goes through one child that shares the helper's
 * memory, as sysv does — every such call in the plan is vetted to leave memory alone
 * (MEMORY_UNTOUCHED in src/probes/syscalls/plan.ts) — one call after the other: the child ends
 * after any answer that is not one of the probe's good errnos (the call was refused before doing
 * anything), so a call that changed the child's own credentials, descriptors or signal state
 * never leaves the next probe in a changed process. Its position in the run and its way back
 * from a trap are in its slot (shared_stack), not in the globals a forked batch child owns. */

/* enum probe_kind (P_FORK, P_SHARED, P_BATCH, P_QUERY, P_CHECKED) is in common.h: handle_line picks it */
static int is_batched(enum probe_kind k) { return k == P_BATCH || k == P_QUERY || k == P_CHECKED; }
/* batched kinds that may share a run: the forked ones, or the checked ones */
static int same_run(enum probe_kind a, enum probe_kind b) { return (a == P_CHECKED) == (b == P_CHECKED); }

static void child_syslog(void *arg, struct child_self *self); /* its answer is finished here */

struct probe {
  enum probe_kind kind;
  child_fn fn; /* fresh probes */
  union {
    struct sys_request sys;
    uint32_t leaf;
    uint64_t addr;
    struct timing_request {
      long nr;
      long count;
    } timing;
    struct syslog_request {
      size_t want;
      char *buf; /* the helper's, written by the child: freed once the probe is answered,
                  * unless its child was never reaped (it might still write) */
    } syslog;
  } arg;
  char head[128]; /* the answer up to its first field, e.g. {"req":"sys","id":"x","nr":39 */
  char *answer;   /* the whole line once known */
};

#define MAX_QUEUE 1024
static struct probe queue[MAX_QUEUE];
int queue_n = 0; /* declared in common.h */

/* a stretch of the queue that one child at a time works through: one fresh probe, or a run
 * of batched ones */
struct work {
  int next, end; /* the next probe to answer, one past the last */
  int running;
};
static struct work works[MAX_QUEUE];
static int works_n = 0;

/* A run child: the probes [next, end) of its run, in order, each answer given before the next
 * call. It stops — and a fresh child takes the next probe — after a forked batch probe (sysb)
 * whose call succeeded (it may have changed the child; a sysq call only reads), or a checked
 * probe (sysc) whose answer is not one of its good errnos (checked_goes_on); it says so in its
 * board slot before the answer is counted, so the helper never has to read the answer again. */
static void child_run(void *arg, struct child_self *self) {
  struct run *run = arg;
  if (!slot_of_stack(&run)) forked_run = run; /* a forked child: its own copy, found by the handler */
  run->active = 1;
  sigsetjmp(run->env, 1); /* after a trap the handler comes back here, the trapped probe answered */
  while (run->next < run->end) {
    int k = run->next++; /* advanced first: a trap resumes at the next probe */
    struct probe *p = &queue[k];
    struct frag f = {.len = 0};
    long ret = -1;
    int e = 0;
    int called = sys_call(self, &p->arg.sys, &f, &ret, &e);
    int stops = p->kind == P_CHECKED ? !called || !checked_goes_on(&p->arg.sys, ret, e) : called && ret >= 0 && p->kind != P_QUERY;
    if (stops) self->board->stops = 1;
    answer(self, &f);
    if (stops) _exit(0);
  }
  _exit(0);
}

struct slot {
  struct work *w; /* NULL: free */
  pid_t pid;
  int taken;     /* answers taken from the board so far */
  size_t offset; /* where the next one starts */
  long long deadline;
};
static struct slot slots[POOL_SLOTS];
static struct board_slot *board; /* POOL_SLOTS of them */
static int pool_highest_fd = 2;     /* the highest descriptor the helper holds (run_pool) */

static void set_answer(int k, const char *tail) {
  size_t n = strlen(queue[k].head) + strlen(tail) + 3;
  char *a = malloc(n);
  if (a) snprintf(a, n, "%s%s}", queue[k].head, tail);
  queue[k].answer = a ? a : strdup("{\"req\":\"error\",\"error\":\"out of memory\"}");
}

static void set_outcome(int k, struct child_outcome *o) {
  char *buf = NULL;
  size_t size = 0;
  FILE *m = open_memstream(&buf, &size);
  if (!m) return set_answer(k, ",\"lost\":true");
  out_child_outcome(m, o);
  fclose(m);
  set_answer(k, buf);
  free(buf);
}

/* A syslog answer: the child's sizes, then the text it read into the helper's buffer, escaped. */
static void set_syslog_answer(int k, const char *tail) {
  struct syslog_request *q = &queue[k].arg.syslog;
  const char *r = strstr(tail, "\"read_ret\":");
  long long n = r ? strtoll(r + 11, NULL, 10) : 0;
  char *text = NULL;
  size_t size = 0;
  FILE *m = n > 0 && q->buf && (size_t)n <= q->want ? open_memstream(&text, &size) : NULL;
  if (!m) return set_answer(k, tail);
  fputs(tail, m);
  fputs(",\"text\":", m);
  out_json_string(m, (const unsigned char *)q->buf, (size_t)n);
  fclose(m);
  set_answer(k, text);
  free(text);
}

/* Starts work w on slot i: 1 started, 0 not now (out of processes while others run: retried
 * when one ends), -1 failed for good (its probe answered with the errno). */
static int start_work(int i, struct work *w) {
  struct probe *p = &queue[w->next];
  struct child_outcome o;
  memset(&o, 0, sizeof o);
  if (!board) {
    void *m = mmap(NULL, POOL_SLOTS * sizeof *board, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) board = m;
  }
  if (!board) {
    o.fork_errno = errno, o.pipe_failed = 1; /* nowhere for the answers to go */
  } else {
    board[i].ready = 0;
    board[i].used = 0;
    board[i].stops = 0;
    __atomic_store_n(&board[i].answered, 0, __ATOMIC_RELEASE);
    int batch = is_batched(p->kind), checked = p->kind == P_CHECKED;
    /* a new child, whatever it runs: no way back into a run an earlier child of the slot left
     * (a trapped call in a later sysv child must end that child, not jump into a dead frame).
     * A lost slot's stack and run may still be its stuck child's: the new child, forked, gets
     * its run from a copy of its own */
    static struct run forked_only_run;
    struct run *run = stacks[i].lost ? &forked_only_run : &stacks[i].run;
    *run = (struct run){.next = w->next, .end = w->end, .active = 0};
    child_fn fn = batch ? child_run : p->fn;
    void *arg = batch ? (void *)run : &p->arg;
    /* no descriptor of the helper's is the child's to keep: it closes all, up to the highest
     * the helper holds (its stdin and stdout; see run_pool) */
    pid_t pid = start_child(fn, arg, (struct child_self){-1, &board[i], 0}, pool_highest_fd, p->kind == P_SHARED || checked, i);
    if (pid >= 0) {
      slots[i] = (struct slot){.w = w, .pid = pid, .deadline = now_ms() + timeout_ms};
      w->running = 1;
      return 1;
    }
    o.fork_errno = errno;
  }
  int busy = 0;
  for (int j = 0; j < POOL_SLOTS; j++) busy |= slots[j].w != NULL;
  if (busy && (o.fork_errno == EAGAIN || o.fork_errno == ENOMEM)) return 0;
  set_outcome(w->next++, &o);
  return -1;
}

/* Takes the answers slot i's child has counted since the last look. */
static void take_answers(int i) {
  struct slot *s = &slots[i];
  struct work *w = s->w;
  int n = __atomic_load_n(&board[i].answered, __ATOMIC_ACQUIRE);
  while (s->taken < n && w->next < w->end) {
    const char *line = board[i].data + s->offset;
    s->offset += strlen(line) + 1;
    s->taken++;
    int k = w->next++;
    char tail[ANSWER_SIZE + 2];
    snprintf(tail, sizeof tail, ",%s", line);
    if (queue[k].fn == child_syslog) set_syslog_answer(k, tail);
    else set_answer(k, tail);
    s->deadline = now_ms() + timeout_ms;
  }
}

/* Slot i's child ended (its wait status given) or overran (NULL: it is killed and reaped); the
 * probe it was on, if any, gets how it ended; the rest of a batch run goes back to be picked up
 * by a fresh child. */
static void end_slot(int i, const int *status) {
  struct slot *s = &slots[i];
  struct work *w = s->w;
  take_answers(i);
  struct child_outcome o;
  memset(&o, 0, sizeof o);
  if (status) o.status_known = 1, o.status = *status;
  else o.timed_out = 1, reap_child(s->pid, &o, now_ms(), 0);
  if (o.unreaped) {
    stacks[i].lost = 1;
    /* a syslog child stuck before its answer may still write into its buffer: left to it */
    if (w->next < w->end && queue[w->next].fn == child_syslog) queue[w->next].arg.syslog.buf = NULL;
  }
  /* a run child that stopped after its last answer (child_run) leaves the next probe to a fresh
   * child; any other ended (or was ended) before answering its current probe: that is its answer */
  if (w->next < w->end && !board[i].stops) {
    o.ready = board[i].ready;
    set_outcome(w->next++, &o);
  }
  w->running = 0;
  s->w = NULL;
}

static int printed = 0;
static long long flushed_at = 0;

/* Prints the answers known so far in request order; flushed every 10 ms at most (each write
 * is a syscall, ~20 us under gVisor), and at the end of the pool (force). */
static void print_answered(int force) {
  while (printed < queue_n && queue[printed].answer) {
    fputs(queue[printed].answer, stdout);
    fputc('\n', stdout);
    free(queue[printed].answer);
    queue[printed++].answer = NULL;
  }
  long long now = now_ms();
  if (force || now - flushed_at >= 10) fflush(stdout), flushed_at = now;
}

/* Runs the queue. The helper sleeps until a child ends (SIGCHLD, blocked and waited for) or
 * the soonest deadline; a deadline reached by a child that answered since is moved on (the
 * per-probe timeout runs from the previous answer the helper saw, so a hang ends between one
 * and two timeouts after it began). */
void run_pool(void) {
  /* the helper holds no descriptor above 2 between requests (close_inherited at its start;
   * every request closes what it opens), and closed 2 after its start */
  pool_highest_fd = fcntl(2, F_GETFD) >= 0 ? 2 : 1;
  /* the stretches: each fresh probe alone, each run of batched ones cut at BATCH_RUN */
  works_n = 0;
  for (int k = 0; k < queue_n;) {
    int end = k + 1;
    if (is_batched(queue[k].kind))
      while (end < queue_n && end - k < BATCH_RUN && is_batched(queue[end].kind) && same_run(queue[k].kind, queue[end].kind)) end++;
    works[works_n++] = (struct work){k, end, 0};
    k = end;
  }
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (;;) {
    /* fill the free slots, stretches in queue order (a batch run's rest comes first again) */
    int active = 0, stalled = 0;
    for (int i = 0; i < POOL_SLOTS; i++) {
      while (i < pool_slots && !slots[i].w && !stalled) {
        struct work *next = NULL;
        for (int j = 0; j < works_n && !next; j++)
          if (!works[j].running && works[j].next < works[j].end) next = &works[j];
        if (!next) break;
        if (start_work(i, next) == 0) stalled = 1;
      }
      active += slots[i].w != NULL;
    }
    print_answered(0);
    if (!active) break;
    /* reap whatever ended */
    int reaped = 0, status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      for (int i = 0; i < POOL_SLOTS; i++)
        if (slots[i].w && slots[i].pid == pid) end_slot(i, &status), reaped = 1;
    if (reaped) continue;
    long long now = now_ms(), soonest = -1;
    for (int i = 0; i < POOL_SLOTS; i++) {
      if (!slots[i].w) continue;
      if (now >= slots[i].deadline) {
        take_answers(i); /* moves the deadline on if it answered since */
        if (now >= slots[i].deadline) {
          end_slot(i, NULL);
          continue;
        }
      }
      if (soonest < 0 || slots[i].deadline < soonest) soonest = slots[i].deadline;
    }
    if (soonest < 0) continue;
    long long left = soonest - now;
    struct timespec ts = {left / 1000, (left % 1000) * 1000000};
    sigtimedwait(&chld, NULL, &ts); /* a SIGCHLD pending since the last look ends it at once */
  }
  /* everything answered */
  for (int k = printed; k < queue_n; k++)
    if (!queue[k].answer) set_answer(k, ",\"lost\":true");
  for (int k = 0; k < queue_n; k++)
    if (queue[k].fn == child_syslog) free(queue[k].arg.syslog.buf);
  print_answered(1);
  queue_n = 0;
  printed = 0;
}

/* Queues a probe; the pool runs when the queue is full or another request comes. */
static struct probe *enqueue(enum probe_kind kind, child_fn fn) {
  if (queue_n == MAX_QUEUE) run_pool();
  struct probe *p = &queue[queue_n];
  memset(p, 0, sizeof *p);
  p->kind = kind, p->fn = fn;
  return p;
}

/* sys (a fork), sysv (a child sharing the helper's memory), sysb, sysq (batched) */
void do_sys(char **tok, int ntok, const char *line, enum probe_kind kind) {
  struct probe *p = enqueue(kind, child_sys);
  const char *bad = parse_sys(tok, ntok, &p->arg.sys, kind == P_CHECKED);
  if (bad) return out_error(line, bad);
  snprintf(p->head, sizeof p->head, "{\"req\":\"sys\",\"id\":\"%s\",\"nr\":%ld", p->arg.sys.id, p->arg.sys.nr);
  queue_n++;
}

#if defined(__x86_64__) || defined(__i386__)
static void child_cpuid(void *arg, struct child_self *self) {
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
  answer(self, &f);
}
#endif

void do_cpuid(char **tok, int ntok, const char *line) {
  uint64_t leaf;
  if (ntok != 2 || !parse_u64(tok[1], &leaf) || leaf > 0xffffffffu) return out_error(line, "cpuid needs: cpuid LEAF");
  if (leaf != 0 && leaf != 1 && leaf != 0x40000000) return out_error(line, "cpuid leaf must be 0, 1 or 0x40000000");
#if defined(__x86_64__) || defined(__i386__)
  /* CPUID and one raw write: its child may share the helper's memory */
  struct probe *p = enqueue(P_SHARED, child_cpuid);
  p->arg.leaf = (uint32_t)leaf;
  snprintf(p->head, sizeof p->head, "{\"req\":\"cpuid\",\"leaf\":%u", (unsigned)leaf);
  queue_n++;
#else
  run_pool();
  printf("{\"req\":\"cpuid\",\"leaf\":%u,\"error\":\"cpuid is x86 only\"}\n", (unsigned)leaf);
#endif
}

/* /dev/kvm, read-only questions for `sbx-detect node`: KVM_GET_API_VERSION and
 * KVM_CHECK_EXTENSION on the system fd, in a forked child (a broken KVM module must not hang
 * the helper). Opened O_RDONLY; never KVM_CREATE_VM (on a PVM host creating a VM hangs), never
 * anything that changes state. The ioctl numbers are _IO(KVMIO=0xAE, 0x00) and _IO(0xAE, 0x03),
 * the same on x86_64 and aarch64 (asm-generic encoding). Request: `kvm [CAP …]` (≤ 12). */
static void child_kvm(void *arg, struct child_self *self) {
  const uint64_t *caps = arg; /* caps[0] = count, then the KVM_CAP_* numbers */
  struct frag f = {.len = 0};
  int kvm = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
  if (kvm < 0) {
    frag_str(&f, "\"open_errno\":");
    frag_i64(&f, errno);
    answer(self, &f);
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
  answer(self, &f);
}

void do_kvm(char **tok, int ntok, const char *line) {
  uint64_t caps[13] = {0};
  if (ntok - 1 > 12) return out_error(line, "kvm takes at most 12 capability numbers");
  for (int i = 1; i < ntok; i++)
    if (!parse_u64(tok[i], &caps[i]) || caps[i] > 0xffff) return out_error(line, "kvm needs: kvm [CAP ...]");
  caps[0] = (uint64_t)(ntok - 1);
  struct child_outcome o = run_child(child_kvm, caps);
  out("{\"req\":\"kvm\"");
  out_child_outcome(stdout, &o);
  out("}\n");
}

/* Reads the syslog buffer. Read-only actions only: SIZE_BUFFER (10) and READ_ALL (3);
 * never READ (2, destructive) or any CLEAR action. The child shares the helper's memory: it
 * reads into a buffer the helper allocated for it before it started, and answers with the
 * sizes; the helper escapes the text into the answer once the child has counted it
 * (take_answers). */
static void child_syslog(void *arg, struct child_self *self) {
  struct syslog_request *q = arg;
  struct frag f = {.len = 0};
  long size = raw_syscall(SYS_syslog, 10, 0, 0, 0, 0, 0);
  frag_str(&f, "\"size_ret\":");
  frag_i64(&f, RAW_FAILED(size) ? -1 : size);
  frag_str(&f, ",\"size_errno\":");
  frag_i64(&f, RAW_FAILED(size) ? -size : 0);
  if (q->want > 0) {
    long n = q->buf ? raw_syscall(SYS_syslog, 3, (long)q->buf, (long)q->want, 0, 0, 0) : -ENOMEM;
    frag_str(&f, ",\"read_ret\":");
    frag_i64(&f, RAW_FAILED(n) ? -1 : n);
    frag_str(&f, ",\"read_errno\":");
    frag_i64(&f, RAW_FAILED(n) ? -n : 0);
  }
  answer(self, &f);
}

void do_syslog(char **tok, int ntok, const char *line) {
  uint64_t n;
  if (ntok != 2 || !parse_u64(tok[1], &n)) return out_error(line, "syslog needs: syslog BYTES");
  struct probe *p = enqueue(P_SHARED, child_syslog);
  p->arg.syslog.want = n > MAX_SYSLOG_BYTES ? MAX_SYSLOG_BYTES : (size_t)n;
  p->arg.syslog.buf = p->arg.syslog.want ? malloc(p->arg.syslog.want) : NULL;
  snprintf(p->head, sizeof p->head, "{\"req\":\"syslog\",\"bytes\":%zu", p->arg.syslog.want);
  queue_n++;
}

static void child_mmap(void *arg, struct child_self *self) {
  uint64_t addr = *(uint64_t *)arg;
  struct frag f = {.len = 0};
  long page = sysconf(_SC_PAGESIZE); /* from the auxiliary vector: no syscall */
  long p = raw_syscall(SYS_mmap, (long)addr, page, PROT_NONE, MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (RAW_FAILED(p)) {
    frag_str(&f, "\"ok\":false,\"errno\":");
    frag_i64(&f, -p);
  } else {
    frag_str(&f, "\"ok\":true,\"errno\":0,\"got\":");
    frag_hex(&f, (uint64_t)p);
    /* kernels before 4.17 ignore MAP_FIXED_NOREPLACE and treat the address as a hint */
    frag_str(&f, (uint64_t)p == addr ? ",\"at_addr\":true" : ",\"at_addr\":false");
    raw_syscall(SYS_munmap, p, page, 0, 0, 0, 0);
  }
  answer(self, &f);
}

void do_mmap(char **tok, int ntok, const char *line) {
  uint64_t addr;
  if (ntok != 2 || !parse_u64(tok[1], &addr)) return out_error(line, "mmap needs: mmap ADDR");
  /* a child sharing the helper's memory: a fork would see the same layout (a copy of it); the
   * page it maps is PROT_NONE at an address that was free, and unmapped at once (a child
   * killed in between leaves one inaccessible page in the helper, nothing else) */
  struct probe *p = enqueue(P_SHARED, child_mmap);
  p->arg.addr = addr;
  snprintf(p->head, sizeof p->head, "{\"req\":\"mmap\",\"addr\":\"0x%llx\"", (unsigned long long)addr);
  queue_n++;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Calls are timed in batches so the clock's own cost does not swamp a 100 ns syscall. The child
 * shares the helper's memory: raw syscalls, its batches on its own stack, clock_gettime through
 * the vDSO (musl's pointer to it was set by the helper's own first call: nothing is written),
 * qsort without allocating. The plan times a call whose zero-argument form changes nothing
 * (getpid). */
#define TIMING_BATCH 32
#define MAX_TIMING_BATCHES 1024
static void child_timing(void *arg, struct child_self *self) {
  struct timing_request *t = arg;
  struct frag f = {.len = 0};
  long batches = (t->count + TIMING_BATCH - 1) / TIMING_BATCH;
  if (batches > MAX_TIMING_BATCHES) batches = MAX_TIMING_BATCHES;
  int64_t per_call[MAX_TIMING_BATCHES];
  long first = raw_syscall(t->nr, 0, 0, 0, 0, 0, 0);
  int first_errno = RAW_FAILED(first) ? (int)-first : 0;
  if (first_errno) first = -1;
  for (long b = 0; b < batches; b++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < TIMING_BATCH; i++) raw_syscall(t->nr, 0, 0, 0, 0, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    per_call[b] = ((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec)) / TIMING_BATCH;
  }
  qsort(per_call, (size_t)batches, sizeof(int64_t), cmp_i64);
  frag_str(&f, "\"count\":");
  frag_i64(&f, batches * TIMING_BATCH);
  frag_str(&f, ",\"median_ns\":");
  frag_i64(&f, per_call[batches / 2]);
  frag_str(&f, ",\"min_ns\":");
  frag_i64(&f, per_call[0]);
  frag_str(&f, ",\"ret\":");
  frag_i64(&f, first);
  frag_str(&f, ",\"errno\":");
  frag_i64(&f, first_errno);
  answer(self, &f);
}

void do_timing(char **tok, int ntok, const char *line) {
  uint64_t nr, count;
  if (ntok != 3 || !parse_u64(tok[1], &nr) || !parse_u64(tok[2], &count) || nr > 100000 || count == 0)
    return out_error(line, "timing needs: timing NR COUNT");
  struct probe *p = enqueue(P_SHARED, child_timing);
  p->arg.timing = (struct timing_request){(long)nr, count > MAX_TIMING_COUNT ? MAX_TIMING_COUNT : (long)count};
  snprintf(p->head, sizeof p->head, "{\"req\":\"timing\",\"nr\":%ld", p->arg.timing.nr);
  queue_n++;
}

void do_timeout(char **tok, int ntok, const char *line) {
  uint64_t ms;
  if (ntok != 2 || !parse_u64(tok[1], &ms) || ms < 1 || ms > 600000) return out_error(line, "timeout_ms needs 1..600000");
  timeout_ms = (int)ms;
  printf("{\"req\":\"timeout_ms\",\"value\":%d}\n", timeout_ms);
}

/* `stats ID`: the probe children made so far, forked and sharing the helper's memory (the
 * queue runs first, as before any request that is not pooled) */
void do_stats(char **tok, int ntok, const char *line) {
  if (ntok != 2 || !valid_id(tok[1])) return out_error(line, "stats needs: stats ID");
  printf("{\"req\":\"stats\",\"id\":\"%s\",\"forked\":%lu,\"shared\":%lu}\n", tok[1], children_forked, children_shared);
}

/* `pool N`: at most N children at once from here on, 1..POOL_SLOTS */
void do_pool(char **tok, int ntok, const char *line) {
  uint64_t n;
  if (ntok != 2 || !parse_u64(tok[1], &n) || n < 1 || n > POOL_SLOTS) return out_error(line, "pool needs: pool N, 1..4");
  pool_slots = (int)n;
}
