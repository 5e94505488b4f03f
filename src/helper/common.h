/*
 * common.h: what the four files of sbx-helper share, and nothing else. common.c (main, the
 * wire, JSON output, parsing), probe-pool.c (the probes, run in children), file-server.c (the
 * --remote host questions) and launcher.c (the Node tool's start) are compiled together into one static binary
 * (src/helper/build.mjs); each opening comment says what its file must never do.
 *
 * This header must NEVER define anything that takes storage or code in every file that includes
 * it (the raw syscall wrapper is static inline: one copy in each file that calls it, none
 * elsewhere), nor declare what only one file uses: that stays static in its file.
 */
#ifndef SBX_HELPER_COMMON_H
#define SBX_HELPER_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* close_range is numbered 436 on every architecture (the unified table). */
#define NR_CLOSE_RANGE 436


/* ---------- raw system calls ----------
 *
 * A `sysv` child shares the helper's memory (clone with CLONE_VM, see start_child), so it must
 * not write anything the parent owns while both run: not errno (libc's syscall() and the
 * wrappers store it in the parent's thread block), not a lock, not a stdio buffer. Everything a
 * child runs from its setup to its exit goes through raw_syscall(), which returns the kernel's
 * answer (-4095..-1 is an errno) and touches no memory but its own stack. */
#if defined(__x86_64__)
#define RAW_SYSCALLS 1
static inline long raw_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
#define RAW_SYSCALLS 1
static inline long raw_syscall(long nr, long a, long b, long c, long d, long e, long f) {
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
#else
/* elsewhere no child shares memory (run_child forks), so libc's wrapper is enough */
static inline long raw_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  long r = syscall(nr, a, b, c, d, e, f);
  return r == -1 ? -errno : r;
}
#endif
#define RAW_FAILED(r) ((unsigned long)(r) > -4096UL)

/* ---------- common.c: output, parsing, start ---------- */

void out(const char *s);
void out_json_string(FILE *o, const unsigned char *s, size_t n);
void out_json_bytes(FILE *o, const unsigned char *s, size_t n);
void out_error(const char *line, const char *why);
int parse_u64(const char *t, uint64_t *v);
int valid_id(const char *t);
/* this process and the children it makes leave no core file, nor a dump through a core_pattern
 * pipe (which ignores RLIMIT_CORE): before any call a filter may kill */
void no_core_dumps(void);
/* the helper's own first close_range failed (close_inherited): the children go straight to
 * their close() loop */
extern int close_range_missing;

/* ---------- probe-pool.c: the probes ---------- */

/* how a sys-like probe runs: sys, sysv, sysb, sysq, sysc */
enum probe_kind { P_FORK, P_SHARED, P_BATCH, P_QUERY, P_CHECKED };
extern int queue_n; /* probes queued and not yet run: out_error and handle_line run them first */
void run_pool(void);
void prepare_for_children(void);
void do_sys(char **tok, int ntok, const char *line, enum probe_kind kind);
void do_cpuid(char **tok, int ntok, const char *line);
void do_kvm(char **tok, int ntok, const char *line);
void do_syslog(char **tok, int ntok, const char *line);
void do_mmap(char **tok, int ntok, const char *line);
void do_timing(char **tok, int ntok, const char *line);
void do_timeout(char **tok, int ntok, const char *line);
void do_stats(char **tok, int ntok, const char *line);
void do_pool(char **tok, int ntok, const char *line);

/* ---------- launcher.c: started under the name sbx-detect, it starts the tool ---------- */

int launcher_main(int argc, char **argv);

/* ---------- file-server.c: the --remote host questions ---------- */

int handle_host_question(const char *line);
int remove_own_copy(const char *file);

#endif
