/*
 * file-server.c: the --remote file server of sbx-helper (see common.c for the whole program):
 * the read-only host questions the remote collector (--via) asks, and --unlink.
 *
 * `read ID PATH`, `list ID PATH`, `link ID PATH`, `stat ID PATH`, `env ID NAME`, `uname ID`,
 * `sync ID`: everything after the ID is the path, spaces included. These answer in the helper
 * itself, without a child: they only open, read, list and stat, and under gVisor a fork costs
 * a millisecond or two. Answers are flushed by `sync`, the end of a round, not one by one.
 * `env` answers any NAME from the helper's own environment (the one the --via exec gave it):
 * which names are asked is the reader's choice (src/readers/remote/remote-host.ts).
 *
 * This file must NEVER:
 * - write, create or change anything in the target: its calls are open (O_RDONLY), read,
 *   opendir and readdir, readlink, lstat, realpath, getenv and uname. The one removal is
 *   --unlink, at the start (remove_own_copy): only a file named sbx-helper in a directory named
 *   sbx-via.* (the copy the --via bootstrap uploaded), and that directory;
 * - send the bytes of a secret: a file under /run/secrets or /var/run/secrets, by its path or by
 *   where the path resolves (realpath: no link leads into one), is opened (a missing one still
 *   says ENOENT) and closed unread, answered "refused":"secret" (list, link and stat still answer);
 * - send more of a /proc/.../environ (by where the path resolves) than its container= entries;
 * - hang on a FIFO or take a controlling terminal: open() gets O_NONBLOCK and O_NOCTTY;
 * - keep a descriptor past its answer: each is O_CLOEXEC and closed before the request
 *   returns, so between requests the helper holds none above 2, the bound probe-pool.c's
 *   children close up to (run_pool);
 * - send any of a file over 4 MiB (answered "truncated":true, no data) or over 100,000 names;
 * - start a child or run a probe: whatever a filter might refuse or kill belongs in
 *   probe-pool.c, where it cannot take the helper down.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common.h"

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
int handle_host_question(const char *line) {
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


/* --unlink PATH: the helper was written into a private directory by the --via bootstrap
 * (src/readers/remote/bootstrap.ts); it removes the file and that directory once it runs, so
 * nothing stays in the target even if the channel dies. Only a file named sbx-helper in a
 * directory named sbx-via.* is removed. Returns 0 or an errno. */
int remove_own_copy(const char *file) {
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
