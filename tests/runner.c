/* Test runner: runs every registered test (or those matching argv[1]). */
#define _GNU_SOURCE
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TESTS 1024

static struct {
  const char *name;
  test_fn fn;
} tests[MAX_TESTS];
static int n_tests, failures_in_test;
static char tmpdir[256];

void test_register(const char *name, test_fn fn) {
  if (n_tests < MAX_TESTS) {
    tests[n_tests].name = name;
    tests[n_tests++].fn = fn;
  }
}

void test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "  %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  failures_in_test++;
}

const char *test_tmpdir(void) {
  if (!tmpdir[0]) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lyra-test-XXXXXX");
    if (!mkdtemp(tmpdir)) {
      perror("mkdtemp");
      exit(1);
    }
  }
  return tmpdir;
}

char *test_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  *len = 0;
  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    buf = n >= 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)n + 1) : NULL;
    if (buf) {
      *len = fread(buf, 1, (size_t)n, f);
      buf[*len] = '\0';
    }
  }
  fclose(f);
  return buf;
}

int test_same_file(const char *a, const char *b) {
  size_t la, lb;
  char *x = test_slurp(a, &la), *y = test_slurp(b, &lb);
  int same = x && y && la == lb && memcmp(x, y, la) == 0;
  free(x);
  free(y);
  return same;
}

int test_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

lyra_network *test_network_from_text(const char *text, const char *name) {
  lyra_model *m = NULL;
  lyra_network *net = NULL;
  char err[1024] = "";
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  if (lyra_model_load_string(m, text, strlen(text), name))
    test_fail(__FILE__, __LINE__, "%s: %s", name, lyra_model_errmsg(m));
  if (lyra_network_create(&net, m, err, sizeof err))
    test_fail(__FILE__, __LINE__, "%s: %s", name, err);
  lyra_model_destroy(m);
  return net;
}

static void cleanup(void) {
  if (tmpdir[0]) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
      fprintf(stderr, "could not remove %s\n", tmpdir);
  }
}

int main(int argc, char **argv) {
  int failed = 0, ran = 0;
  atexit(cleanup);
  for (int i = 0; i < n_tests; i++) {
    if (argc > 1 && !strstr(tests[i].name, argv[1]))
      continue;
    failures_in_test = 0;
    tests[i].fn();
    ran++;
    printf("%s %s\n", failures_in_test ? "FAIL" : "ok  ", tests[i].name);
    fflush(stdout);
    failed += failures_in_test > 0;
  }
  printf("%d of %d tests passed\n", ran - failed, ran);
  return failed ? 1 : (ran ? 0 : 1);
}
