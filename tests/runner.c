/* Test runner: runs every registered test (or those matching argv[1]). */
#define _GNU_SOURCE
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
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
