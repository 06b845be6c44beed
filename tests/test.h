/*
 * A minimal test framework: every TEST registers itself before main(); the
 * runner (tests/runner.c) runs all of them, or those whose name contains
 * its first argument, and reports failures with file:line.
 */
#ifndef LYRA_TEST_H
#define LYRA_TEST_H

#include "lyra.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *fmt, ...);

#define TEST(name)                                                             \
  static void test_##name(void);                                               \
  __attribute__((constructor)) static void register_##name(void) {             \
    test_register(#name, test_##name);                                         \
  }                                                                            \
  static void test_##name(void)

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond))                                                               \
      test_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);                \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                     \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_)                                                              \
      test_fail(__FILE__, __LINE__, "%s == %s failed: %lld != %lld", #a, #b,   \
                a_, b_);                                                       \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                  \
  do {                                                                         \
    double a_ = (a), b_ = (b), t_ = (tol);                                     \
    if (!(fabs(a_ - b_) <= t_))                                                \
      test_fail(__FILE__, __LINE__, "|%s - %s| <= %g failed: %.17g vs %.17g",  \
                #a, #b, t_, a_, b_);                                           \
  } while (0)

/* Relative tolerance: |a - b| <= tol * max(|b|, floor). */
#define CHECK_REL(a, b, tol, floor_)                                           \
  CHECK_NEAR(a, b, (tol)*fmax(fabs(b), (floor_)))

#define CHECK_STR_CONTAINS(h, n)                                               \
  do {                                                                         \
    const char *h_ = (h), *n_ = (n);                                           \
    if (!h_ || !strstr(h_, n_))                                                \
      test_fail(__FILE__, __LINE__, "'%s' does not contain '%s'",              \
                h_ ? h_ : "(null)", n_);                                       \
  } while (0)

/* A fresh temporary directory for a test (removed by the runner at exit). */
const char *test_tmpdir(void);

/* The whole file, '\0'-terminated after its *len bytes (free it), or
 * NULL. */
char *test_slurp(const char *path, size_t *len);
/* 1 if both files can be read and hold the same bytes. */
int test_same_file(const char *a, const char *b);
int test_exists(const char *path);

/* A network built from model text (name appears in messages), or NULL
 * after a failure has been reported. */
lyra_network *test_network_from_text(const char *text, const char *name);

#endif
