/*
 * units.c - quantities with units: "20 ms", "-0.5 mV", "1e3 pA", "inf ms".
 *
 * Every unit is a dimension and a power of ten relative to the SI unit, so
 * a conversion is one multiplication or division by an exact power of ten
 * (10^k is exact in a double for k <= 22): "1 uV" in mV is 1/1000 rounded
 * once, not 1 * 1e-6 / 1e-3 rounded three times.
 */
#include "lyra_internal.h"
#include "spec/yaml_internal.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum dim {
  DIM_NONE = 0,
  DIM_TIME,
  DIM_VOLTAGE,
  DIM_CURRENT,
  DIM_CAPACITANCE,
  DIM_CONDUCTANCE,
  DIM_FREQUENCY,
  DIM_CONDUCTANCE_RATE, /* the derivative of an alpha conductance */
  DIM_CURRENT_RATE      /* the derivative of an alpha current */
} dim;

typedef struct unit_def {
  const char *name;
  dim dim;
  int exp10; /* the unit is 10^exp10 SI units */
} unit_def;

/* "u" is the ASCII spelling of micro; the micro sign (U+00B5) and the Greek
 * mu (U+03BC) are accepted too, since both are what people type. */
#define MICRO "\xc2\xb5"
#define MU "\xce\xbc"
static const unit_def units[] = {
    /* time */
    {"s", DIM_TIME, 0},
    {"ms", DIM_TIME, -3},
    {"us", DIM_TIME, -6},
    {MICRO "s", DIM_TIME, -6},
    {MU "s", DIM_TIME, -6},
    /* voltage */
    {"V", DIM_VOLTAGE, 0},
    {"mV", DIM_VOLTAGE, -3},
    {"uV", DIM_VOLTAGE, -6},
    {MICRO "V", DIM_VOLTAGE, -6},
    {MU "V", DIM_VOLTAGE, -6},
    /* current */
    {"A", DIM_CURRENT, 0},
    {"mA", DIM_CURRENT, -3},
    {"uA", DIM_CURRENT, -6},
    {MICRO "A", DIM_CURRENT, -6},
    {MU "A", DIM_CURRENT, -6},
    {"nA", DIM_CURRENT, -9},
    {"pA", DIM_CURRENT, -12},
    /* capacitance */
    {"F", DIM_CAPACITANCE, 0},
    {"uF", DIM_CAPACITANCE, -6},
    {MICRO "F", DIM_CAPACITANCE, -6},
    {MU "F", DIM_CAPACITANCE, -6},
    {"nF", DIM_CAPACITANCE, -9},
    {"pF", DIM_CAPACITANCE, -12},
    /* conductance */
    {"S", DIM_CONDUCTANCE, 0},
    {"mS", DIM_CONDUCTANCE, -3},
    {"uS", DIM_CONDUCTANCE, -6},
    {MICRO "S", DIM_CONDUCTANCE, -6},
    {MU "S", DIM_CONDUCTANCE, -6},
    {"nS", DIM_CONDUCTANCE, -9},
    {"pS", DIM_CONDUCTANCE, -12},
    /* frequency */
    {"Hz", DIM_FREQUENCY, 0},
    {"kHz", DIM_FREQUENCY, 3},
    {"1/s", DIM_FREQUENCY, 0},
    {"1/ms", DIM_FREQUENCY, 3},
    /* rates of change of alpha-shaped conductances and currents */
    {"S/s", DIM_CONDUCTANCE_RATE, 0},
    {"nS/ms", DIM_CONDUCTANCE_RATE, -6},
    {"A/s", DIM_CURRENT_RATE, 0},
    {"pA/ms", DIM_CURRENT_RATE, -9},
};
#define N_UNITS (sizeof units / sizeof units[0])

/* What a dimension is called in messages, and an example quantity. */
static const struct {
  const char *noun, *example, *phrase;
} dims[] = {
    [DIM_NONE] = {"a plain number", "0.5", "a plain number such as '0.5'"},
    [DIM_TIME] = {"a time", "20 ms", "a time such as '20 ms'"},
    [DIM_VOLTAGE] = {"a voltage", "-65 mV", "a voltage such as '-65 mV'"},
    [DIM_CURRENT] = {"a current", "100 pA", "a current such as '100 pA'"},
    [DIM_CAPACITANCE] = {"a capacitance", "250 pF",
                         "a capacitance such as '250 pF'"},
    [DIM_CONDUCTANCE] = {"a conductance", "10 nS",
                         "a conductance such as '10 nS'"},
    [DIM_FREQUENCY] = {"a frequency", "10 Hz", "a frequency such as '10 Hz'"},
    [DIM_CONDUCTANCE_RATE] = {"a conductance per time", "1 nS/ms",
                              "a conductance per time such as '1 nS/ms'"},
    [DIM_CURRENT_RATE] = {"a current per time", "10 pA/ms",
                          "a current per time such as '10 pA/ms'"},
};

static const unit_def *unit_find(const char *name, size_t len) {
  for (size_t i = 0; i < N_UNITS; i++)
    if (strlen(units[i].name) == len && memcmp(units[i].name, name, len) == 0)
      return &units[i];
  return NULL;
}

/* A unit of dimension d spelt like name but for case ("mv" -> "mV"), for a
 * hint in the message; NULL if none. */
static const char *unit_near(const char *name, size_t len, dim d) {
  for (size_t i = 0; i < N_UNITS; i++)
    if (units[i].dim == d && strlen(units[i].name) == len &&
        strncasecmp(units[i].name, name, len) == 0)
      return units[i].name;
  return NULL;
}

void lyra__quote_text(char *dst, size_t cap, const char *s, size_t len) {
  /* Long text is cut (at a UTF-8 character boundary) and control
   * characters escaped, so that a message stays one short line. */
  const size_t max_shown = 40;
  size_t o = 0, i = 0;
  if (cap < 8) {
    if (cap)
      dst[0] = '\0';
    return;
  }
  dst[o++] = '\'';
  for (; i < len && i < max_shown && o + 8 < cap; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch < 0x20 || ch == 0x7f)
      o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", ch);
    else
      dst[o++] = (char)ch;
  }
  if (i < len) {
    while (o > 1 && ((unsigned char)dst[o - 1] & 0xc0) == 0x80)
      o--; /* continuation bytes of a cut character */
    if (o > 1 && (unsigned char)dst[o - 1] >= 0xc0)
      o--; /* its lead byte */
    memcpy(dst + o, "...", 3);
    o += 3;
  }
  dst[o++] = '\'';
  dst[o] = '\0';
}

static int is_space(char c) {
  return c == ' ' || c == '\t';
}

/* Length of the number at the start of s (decimal, optional sign and
 * exponent, or an infinity), 0 if there is none. Hex floats and "nan",
 * which strtod would take, are left out on purpose. */
static size_t number_len(const char *s) {
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0, digits = 0;
  static const char *const infs[] = {"infinity", "inf", ".inf"};
  for (size_t k = 0; k < 3; k++) {
    size_t n = strlen(infs[k]);
    if (strncasecmp(s + i, infs[k], n) == 0)
      return i + n;
  }
  for (; isdigit((unsigned char)s[i]); i++)
    digits++;
  if (s[i] == '.')
    for (i++; isdigit((unsigned char)s[i]); i++)
      digits++;
  if (digits == 0)
    return 0;
  if (s[i] == 'e' || s[i] == 'E') {
    size_t j = i + 1;
    if (s[j] == '+' || s[j] == '-')
      j++;
    if (isdigit((unsigned char)s[j])) {
      while (isdigit((unsigned char)s[j]))
        j++;
      i = j;
    }
  }
  return i;
}

/* Converts the n characters at s (as found by number_len) to a double.
 * strtod reads the decimal point of the current locale, so the '.' is
 * replaced by that point if a caller changed LC_NUMERIC. */
static int number_value(const char *s, size_t n, double *out) {
  char buf[128], *end;
  const char *inf = s + ((s[0] == '+' || s[0] == '-') ? 1 : 0);
  if (*inf == '.' && (inf[1] == 'i' || inf[1] == 'I')) {
    *out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return 0;
  }
  if (n >= sizeof buf)
    return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  const char *point = localeconv()->decimal_point;
  char *dot = strchr(buf, '.');
  if (dot && point && point[0] && point[0] != '.' && point[1] == '\0')
    *dot = point[0];
  errno = 0;
  double v = strtod(buf, &end);
  if (*end != '\0')
    return -1;
  if (errno == ERANGE && isinf(v))
    return -2; /* overflow of a finite number; underflow gives 0 */
  *out = v;
  return 0;
}

/* Dimension and power of ten of a catalogue unit; -1 if unit is not one. */
static int target_of(const char *unit, dim *d, int *exp10) {
  if (!unit || !unit[0]) {
    *d = DIM_NONE;
    *exp10 = 0;
    return 0;
  }
  const unit_def *u = unit_find(unit, strlen(unit));
  if (!u)
    return -1;
  *d = u->dim;
  *exp10 = u->exp10;
  return 0;
}

const char *lyra__unit_describe(const char *unit) {
  dim d;
  int e;
  if (target_of(unit, &d, &e) != 0)
    return "a quantity";
  return dims[d].phrase;
}

static double scale(double v, int k) {
  double p = 1.0;
  for (int i = 0; i < (k < 0 ? -k : k); i++)
    p *= 10.0;
  return k < 0 ? v / p : v * p;
}

/* why: what was wrong, in parentheses after the text, or "". */
static int no_number(const char *shown, dim d, const char *why, char *err) {
  if (d == DIM_NONE)
    return lyra__errf(err, LYRA_EPARSE, "expected a number, found %s%s", shown,
                      why);
  return lyra__errf(err, LYRA_EPARSE, "expected %s, found %s%s", dims[d].phrase,
                    shown, why);
}

/* Why text starting at s is no number: NaN and overflow get their own
 * words, since "found 'nan ms'" alone would puzzle. */
static const char *why_not(const char *s, int rc) {
  if (rc == -2)
    return " (out of range)";
  if (*s == '+' || *s == '-')
    s++;
  if (strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, ".nan", 4) == 0)
    return " (NaN is not allowed)";
  return "";
}

static int bad_unit(const char *u, size_t ulen, const char *shown,
                    const char *tunit, dim d, char *err) {
  char uq[64];
  lyra__quote_text(uq, sizeof uq, u, ulen);
  if (d == DIM_NONE)
    return lyra__errf(err, LYRA_EUNIT,
                      "expected a plain number without a unit, found %s",
                      shown);
  const unit_def *found = unit_find(u, ulen);
  if (found)
    return lyra__errf(err, LYRA_EUNIT, "expected %s (%s), found %s %s",
                      dims[d].noun, tunit, dims[found->dim].noun, shown);
  const char *near = unit_near(u, ulen, d);
  if (near)
    return lyra__errf(err, LYRA_EUNIT,
                      "expected %s (%s), found unknown unit %s in %s "
                      "(units are case-sensitive: did you mean '%s'?)",
                      dims[d].noun, tunit, uq, shown, near);
  return lyra__errf(err, LYRA_EUNIT,
                    "expected %s (%s), found unknown unit %s in %s",
                    dims[d].noun, tunit, uq, shown);
}

int lyra__parse_quantity(const char *text, const char *unit, double *out,
                         char *err) {
  dim d;
  int texp;
  char shown[64];
  if (target_of(unit, &d, &texp) != 0)
    return lyra__errf(err, LYRA_EINVAL, "'%s' is not a catalogue unit", unit);
  if (!text)
    text = "";
  while (is_space(*text))
    text++;
  size_t len = strlen(text);
  while (len && is_space(text[len - 1]))
    len--;
  lyra__quote_text(shown, sizeof shown, text, len);
  if (len == 0)
    return no_number("an empty value", d, "", err);
  size_t n = number_len(text);
  double v;
  int nrc = n ? number_value(text, n, &v) : -1;
  if (nrc)
    return no_number(shown, d, why_not(text, nrc), err);
  const char *u = text + n, *end = text + len;
  while (u < end && is_space(*u))
    u++;
  size_t ulen = (size_t)(end - u);
  if (ulen == 0 && d != DIM_NONE)
    return lyra__errf(err, LYRA_EUNIT,
                      "expected %s with a unit (e.g. '%s'), found %s",
                      dims[d].noun, dims[d].example, shown);
  if (ulen == 0) {
    *out = v;
    return 0;
  }
  const unit_def *ud = unit_find(u, ulen);
  if (!ud || ud->dim != d || d == DIM_NONE)
    return bad_unit(u, ulen, shown, unit, d, err);
  double r = scale(v, ud->exp10 - texp);
  if (isinf(r) && !isinf(v))
    return lyra__errf(err, LYRA_EPARSE,
                      "expected %s within range, found %s (too large in %s)",
                      dims[d].noun, shown, unit);
  *out = r;
  return 0;
}
