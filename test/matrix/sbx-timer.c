/* sbx-timer: runs a command and reports its wall time, CPU time and peak RSS, for the
 * benchmarks (test/matrix/bench-peer.ts). Static, so it runs inside any image, and cheap, so it
 * adds nothing to what it times (busybox `date` has no %N; a Node parent would cost 40 ms of
 * start-up and memory beside the command).
 *
 *   sbx-timer [-t SECONDS] [-o FILE] -- COMMAND [ARGS...]
 *
 * The command inherits stdin, stdout and stderr (with -o, stdout goes to FILE). After it ends, one
 * line goes to stderr:
 *   SBX_TIMER wall_us=N user_us=N sys_us=N maxrss_kb=N status=exit:N|signal:N|timeout
 * With -t, a command still running after SECONDS is killed (SIGKILL, its whole process group)
 * and reported as status=timeout. sbx-timer itself exits 0 unless it could not run the command.
 * Built by the benchmark: gcc -O2 -static -o sbx-timer sbx-timer.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig) {
  (void)sig;
  timed_out = 1;
  if (child > 0) kill(-child, SIGKILL);
}

int main(int argc, char **argv) {
  int timeout = 0;
  const char *out = NULL;
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (!strcmp(argv[i], "-t") && i + 1 < argc) timeout = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else break;
  }
  if (i >= argc) {
    fprintf(stderr, "usage: sbx-timer [-t SECONDS] [-o FILE] -- COMMAND [ARGS...]\n");
    return 2;
  }
  long long t0 = now_us();
  child = fork();
  if (child < 0) { perror("sbx-timer: fork"); return 2; }
  if (child == 0) {
    setpgid(0, 0);
    if (out) {
      int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0 || dup2(fd, 1) < 0) _exit(126);
      close(fd);
    }
    execvp(argv[i], argv + i);
    fprintf(stderr, "sbx-timer: %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  setpgid(child, child);
  if (timeout > 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)timeout);
  }
  /* A child that made itself our tracee (PTRACE_TRACEME, as amicontained's zero-argument ptrace
   * probe does; the call is per thread, so the tracee may be any of its threads) reports each
   * signal-delivery stop here, and its exit must be reaped by us before the child itself can be:
   * so wait for any child or tracee (__WALL), leave stopped ones stopped, as a parent that does
   * not trace would (a container's shim, a shell) -- that is the freeze the benchmark counts,
   * ended by -t -- and finish when the child itself is reaped. */
  int st = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  pid_t r;
  for (;;) {
    int s2;
    struct rusage ru2;
    r = wait4(-1, &s2, __WALL, &ru2);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (WIFSTOPPED(s2)) continue;
    if (r == child) { st = s2; ru = ru2; break; }
  }
  long long wall = now_us() - t0;
  alarm(0);
  if (r < 0) { perror("sbx-timer: wait4"); return 2; }
  char status[32];
  if (timed_out) snprintf(status, sizeof status, "timeout");
  else if (WIFEXITED(st)) snprintf(status, sizeof status, "exit:%d", WEXITSTATUS(st));
  else snprintf(status, sizeof status, "signal:%d", WTERMSIG(st));
  fprintf(stderr, "SBX_TIMER wall_us=%lld user_us=%lld sys_us=%lld maxrss_kb=%ld status=%s\n", wall,
          (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
          (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec, ru.ru_maxrss, status);
  return 0;
}
