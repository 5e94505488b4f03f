/*
 * launcher.c: the helper installed under the name `sbx-detect` (the recon image's
 * /usr/local/bin/sbx-detect is a link to it) starts the tool — the Node single executable beside
 * its own file — after one check that Node itself cannot make: whether this place lets a thread
 * be created. Node aborts before any JavaScript runs when it cannot (a uv_thread_create assertion
 * and a C++ stack dump, exit 134): glibc's pthread_create asks clone3 first and falls back to clone
 * only on ENOSYS, so a seccomp filter that answers clone3 with EPERM — runsc --oci-seccomp does,
 * and Docker's default profile did before moby#42681 (2021) — leaves Node no thread at all.
 *
 * So, in a forked child, clone3 is asked with a null argument structure (size 0: Linux answers
 * EINVAL before anything is made; a filter answers before the arguments are read):
 *   EINVAL, E2BIG, EFAULT, ENOSYS: threads can be made; the tool is exec'd as it is;
 *   another errno: a filter of this process's own (no_new_privs set, as a process may always do
 *     for itself) answers clone3 with ENOSYS, so glibc falls back to clone and Node starts; the
 *     tool is told through SBX_LAUNCHER, and its report says what the launcher changed;
 *   killed, or the filter cannot be added: one line says why and what works from outside
 *     (--via), and the launcher exits 6 (exit-codes.ts) instead of letting Node dump its stack.
 *
 * It must NEVER: change anything but its own process (the filter and no_new_privs die with it and
 * the tool it becomes), close or touch a descriptor the tool would inherit, make a process or
 * thread with the probe (a size-0 clone3 cannot), or exec anything but the executable beside it
 * (or SBX_DETECT_NODE, named by whoever started it).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "common.h"

#define EXIT_CANNOT_START 6
#define NR_CLONE3 435

#define SECCOMP_MODE_FILTER_ 2
#define SECCOMP_RET_ALLOW_ 0x7fff0000U
#define SECCOMP_RET_ERRNO_ 0x00050000U
/* struct seccomp_data: nr at 0, arch at 4 (linux/seccomp.h) */
#define SECCOMP_DATA_NR 0
#define SECCOMP_DATA_ARCH 4
#if defined(__x86_64__)
#define AUDIT_ARCH_SELF 0xc000003eU /* AUDIT_ARCH_X86_64 */
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF 0xc00000b7U /* AUDIT_ARCH_AARCH64 */
#endif

/* classic BPF, as linux/filter.h spells it (musl's headers do not carry it) */
struct bpf_insn_ { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct bpf_prog_ { unsigned short len; struct bpf_insn_ *filter; };
#define BPF_LD_W_ABS 0x20  /* BPF_LD | BPF_W | BPF_ABS */
#define BPF_JEQ_K 0x15     /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_RET_K 0x06     /* BPF_RET | BPF_K */

static void say(const char *s) {
  (void)!write(2, s, strlen(s));
}

/* clone3's answer in a forked child: the errno (0: it answered nothing), or -signal */
static int ask_clone3(void) {
  pid_t pid = fork();
  if (pid < 0) return 0; /* cannot tell: start the tool as it is */
  if (pid == 0) {
    no_core_dumps(); /* a filter that kills clone3 must not leave a core file where the user is */
    long r = raw_syscall(NR_CLONE3, 0, 0, 0, 0, 0, 0);
    _exit(RAW_FAILED(r) ? (int)(-r & 0xff) : 0);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return 0;
  if (WIFSIGNALED(st)) return -WTERMSIG(st);
  return WEXITSTATUS(st);
}

static int threads_possible(int e) {
  return e == 0 || e == EINVAL || e == E2BIG || e == EFAULT || e == ENOSYS;
}

/* A filter of the launcher's own: clone3 answers ENOSYS, every other call is let through to the
 * filters already in force (the most restrictive answer of all of them wins, as always). */
static int add_clone3_filter(int *nnp_before) {
#ifdef AUDIT_ARCH_SELF
  struct bpf_insn_ prog[] = {
    { BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH },
    { BPF_JEQ_K, 0, 3, AUDIT_ARCH_SELF },
    { BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_NR },
    { BPF_JEQ_K, 0, 1, NR_CLONE3 },
    { BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO_ | ENOSYS },
    { BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW_ },
  };
  struct bpf_prog_ fprog = { sizeof prog / sizeof prog[0], prog };
  *nnp_before = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (*nnp_before != 1 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER_, &fprog, 0, 0);
#else
  (void)nnp_before;
  errno = ENOSYS;
  return -1;
#endif
}

static void explain(const char *why) {
  say("sbx-detect: Node.js cannot start here: ");
  say(why);
  say(". Run it from outside instead, where only the static helper enters: "
      "sbx-detect --via \"kubectl exec -i POD -c CONTAINER --\" (or \"docker exec -i CONTAINER\")\n");
}

int launcher_main(int argc, char **argv) {
  (void)argc;
  static char node[4096];
  const char *given = getenv("SBX_DETECT_NODE");
  if (given && *given) {
    snprintf(node, sizeof node, "%s", given);
  } else {
    ssize_t n = readlink("/proc/self/exe", node, sizeof node - 32);
    if (n <= 0) {
      say("sbx-detect: cannot find the tool: /proc/self/exe is unreadable (set SBX_DETECT_NODE)\n");
      return EXIT_CANNOT_START;
    }
    node[n] = 0;
    char *slash = strrchr(node, '/');
    const char *base = slash ? slash + 1 : node;
    /* a copy of the helper named sbx-detect (cp -L of the link) would exec itself forever */
    if (strcmp(base, "sbx-detect") == 0) {
      say("sbx-detect: this is the launcher (the helper under the name sbx-detect), not a link to it: "
          "the tool sbx-detect must be the Node executable beside the helper, the launcher a link to the helper (set SBX_DETECT_NODE to name the tool)\n");
      return EXIT_CANNOT_START;
    }
    strcpy(node + (base - node), "sbx-detect");
  }
  int e = ask_clone3();
  if (!threads_possible(e)) {
    static char why[256];
    if (e < 0) {
      snprintf(why, sizeof why, "a seccomp filter kills a process that calls clone3 (signal %d), and Node's threads need it", -e);
      explain(why);
      return EXIT_CANNOT_START;
    }
    int nnp_before = -1;
    if (add_clone3_filter(&nnp_before) != 0) {
      snprintf(why, sizeof why, "a seccomp filter answers clone3 with errno %d (glibc falls back to clone only on ENOSYS), so Node cannot make a thread, and no filter of the launcher's own could be added (errno %d)", e, errno);
      explain(why);
      return EXIT_CANNOT_START;
    }
    static char note[128];
    snprintf(note, sizeof note, "clone3-errno=%d;filter=clone3-enosys;nnp-before=%d", e, nnp_before);
    setenv("SBX_LAUNCHER", note, 1);
  }
  execv(node, argv);
  static char why[4200];
  snprintf(why, sizeof why, "sbx-detect: cannot run the tool %s: %s\n", node, strerror(errno));
  say(why);
  return EXIT_CANNOT_START;
}
