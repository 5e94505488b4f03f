/* The pod's infrastructure ("pause") process for the CRI harness (test/runtimes/cri.ts): sleeps
 * until SIGINT or SIGTERM and reaps children, as Kubernetes' build/pause/linux/pause.c does (no
 * registry is reachable here, so registry.k8s.io/pause cannot be pulled). Built static with
 * musl-gcc and packed into the image localhost/pause:static by the harness. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
static void die(int s) { (void)s; _exit(0); }
static void reap(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) ; }
int main(void) {
  struct sigaction a = {0};
  a.sa_handler = die;
  sigaction(SIGINT, &a, 0);
  sigaction(SIGTERM, &a, 0);
  a.sa_handler = reap;
  a.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &a, 0);
  for (;;) pause();
}
