/* Quantities with units (spec/units.c): conversions and every error. */
#include "lyra_internal.h"
#include "test.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Parses text into unit and returns the value; NaN if it failed. */
static double q(const char *text, const char *unit) {
  char err[LYRA__ERR_MAX];
  double v = 0;
  int rc = lyra__parse_quantity(text, unit, &v, err);
  return rc ? (double)NAN : v;
}

/* Parses text that must fail; returns the code, message in err. */
static int q_err(const char *text, const char *unit, char *err) {
  double v = 12345;
  err[0] = '\0';
  int rc = lyra__parse_quantity(text, unit, &v, err);
  CHECK(v == 12345); /* untouched on failure */
  CHECK(strchr(err, '\n') == NULL);
  return rc;
}

TEST(units_same_unit) {
  CHECK(q("20 ms", "ms") == 20.0);
  CHECK(q("20ms", "ms") == 20.0);
  CHECK(q("  20 \t ms  ", "ms") == 20.0);
  CHECK(q("-0.5 mV", "mV") == -0.5);
  CHECK(q("+3 pA", "pA") == 3.0);
  CHECK(q("1e3 pA", "pA") == 1000.0);
  CHECK(q("1E-3pA", "pA") == 0.001);
  CHECK(q(".5 ms", "ms") == 0.5);
  CHECK(q("5. ms", "ms") == 5.0);
  CHECK(q("250 pF", "pF") == 250.0);
  CHECK(q("6 nS", "nS") == 6.0);
  CHECK(q("8 Hz", "Hz") == 8.0);
}

TEST(units_conversions_are_exact) {
  /* One multiplication or division by an exact power of ten: the result
   * is the correctly rounded decimal value. */
  CHECK(q("1 s", "ms") == 1000.0);
  CHECK(q("1.5 s", "ms") == 1500.0);
  CHECK(q("100 us", "ms") == 0.1);
  CHECK(q("1 us", "ms") == 0.001);
  CHECK(q("1 V", "mV") == 1000.0);
  CHECK(q("-70 uV", "mV") == -0.07);
  CHECK(q("1 A", "pA") == 1e12);
  CHECK(q("1 mA", "pA") == 1e9);
  CHECK(q("2 uA", "pA") == 2e6);
  CHECK(q("0.5 nA", "pA") == 500.0);
  CHECK(q("1 F", "pF") == 1e12);
  CHECK(q("1 uF", "pF") == 1e6);
  CHECK(q("0.25 nF", "pF") == 250.0);
  CHECK(q("1 S", "nS") == 1e9);
  CHECK(q("1 mS", "nS") == 1e6);
  CHECK(q("10 uS", "nS") == 1e4);
  CHECK(q("500 pS", "nS") == 0.5);
  CHECK(q("1 kHz", "Hz") == 1000.0);
  CHECK(q("8 1/s", "Hz") == 8.0);
  CHECK(q("2 1/ms", "Hz") == 2000.0);
}

TEST(units_micro_sign) {
  CHECK(q("20 \xc2\xb5s", "ms") == 0.02); /* U+00B5 micro sign */
  CHECK(q("20 \xce\xbcs", "ms") == 0.02); /* U+03BC Greek mu */
  CHECK(q("3 \xc2\xb5"
          "A",
          "pA") == 3e6);
}

TEST(units_infinity) {
  CHECK(q("inf ms", "ms") == HUGE_VAL);
  CHECK(q("-inf mV", "mV") == -HUGE_VAL);
  CHECK(q("+Infinity ms", "ms") == HUGE_VAL);
  CHECK(q(".inf ms", "ms") == HUGE_VAL);
  CHECK(q("-.inf", "") == -HUGE_VAL);
  CHECK(q("inf s", "ms") == HUGE_VAL);
}

TEST(units_plain_numbers) {
  CHECK(q("0.5", "") == 0.5);
  CHECK(q("0.5", NULL) == 0.5);
  CHECK(q(" 7 ", "") == 7.0);
  CHECK(q("1e-3", "") == 0.001);
  CHECK(q("0", "") == 0.0);
  CHECK(q("1e-400", "") == 0.0); /* underflow: zero, not an error */
}

TEST(units_missing_unit) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("20", "ms", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err,
                     "expected a time with a unit (e.g. '20 ms'), found '20'");
  CHECK_EQ_INT(q_err("-65", "mV", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "expected a voltage with a unit");
  CHECK_EQ_INT(q_err("inf", "ms", err), LYRA_EUNIT);
}

TEST(units_wrong_dimension) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("20 ms", "mV", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "expected a voltage (mV), found a time '20 ms'");
  CHECK_EQ_INT(q_err("1 nS", "pA", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "expected a current (pA), found a conductance");
  CHECK_EQ_INT(q_err("1 pF", "nS", err), LYRA_EUNIT);
  CHECK_EQ_INT(q_err("1 Hz", "ms", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "found a frequency");
}

TEST(units_unknown_unit) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("20 mv", "mV", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "unknown unit 'mv'");
  CHECK_STR_CONTAINS(err, "did you mean 'mV'?");
  CHECK_EQ_INT(q_err("20 furlong", "ms", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "unknown unit 'furlong'");
  CHECK_EQ_INT(q_err("20 m s", "ms", err), LYRA_EUNIT);
  CHECK_EQ_INT(q_err("1 Ms", "ms", err), LYRA_EUNIT);
}

TEST(units_unit_on_plain_number) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("20 ms", "", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "expected a plain number without a unit");
  CHECK(q_err("0x10", "", err) != 0); /* no hex */
}

TEST(units_not_a_number) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("abc", "ms", err), LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "expected a time such as '20 ms', found 'abc'");
  CHECK_EQ_INT(q_err("", "ms", err), LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "found an empty value");
  CHECK_EQ_INT(q_err("   ", "mV", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err(NULL, "mV", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err("ms", "ms", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err("-", "", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err(".", "", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err("e5", "", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err("abc", "", err), LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "expected a number, found 'abc'");
}

TEST(units_nan_rejected) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("nan ms", "ms", err), LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "NaN");
  CHECK_EQ_INT(q_err("-NaN", "", err), LYRA_EPARSE);
  CHECK_EQ_INT(q_err(".nan", "", err), LYRA_EPARSE);
}

TEST(units_out_of_range) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("1e400 ms", "ms", err), LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "out of range");
  /* finite in seconds, infinite in milliseconds */
  CHECK_EQ_INT(q_err("1e308 s", "ms", err), LYRA_EPARSE);
}

TEST(units_unknown_target) {
  char err[LYRA__ERR_MAX];
  CHECK_EQ_INT(q_err("1 ms", "furlong", err), LYRA_EINVAL);
}

TEST(units_message_is_one_short_line) {
  char err[LYRA__ERR_MAX], text[600];
  memset(text, 'x', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  CHECK_EQ_INT(q_err(text, "ms", err), LYRA_EPARSE);
  CHECK(strlen(err) < 200); /* long text is cut */
  CHECK_STR_CONTAINS(err, "...'");
  CHECK_EQ_INT(q_err("1\nms", "ms", err), LYRA_EUNIT);
  CHECK_STR_CONTAINS(err, "\\x0a"); /* control characters escaped */
}

TEST(units_ignore_locale_decimal_comma) {
  /* A program may switch LC_NUMERIC to a locale with a decimal comma;
   * model files still use a point. Skipped if no such locale exists. */
  const char *old = setlocale(LC_NUMERIC, NULL);
  char saved[64];
  snprintf(saved, sizeof saved, "%s", old ? old : "C");
  if (setlocale(LC_NUMERIC, "de_DE.UTF-8") ||
      setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
    CHECK(q("0.5 mV", "mV") == 0.5);
    CHECK(q("1.25", "") == 1.25);
    setlocale(LC_NUMERIC, saved);
  }
}
