/* Statistics shared by the tests (see stats.h). */
#include "stats.h"

#include <math.h>

double chi2_sf(double x, double df) {
  double a = 0.5 * df, y = 0.5 * x;
  if (y <= 0.0)
    return 1.0;
  double front = exp(-y + a * log(y) - lgamma(a));
  if (y < a + 1.0) {
    double ap = a, del = 1.0 / a, sum = del;
    for (int i = 0; i < 100000; i++) {
      ap += 1.0;
      del *= y / ap;
      sum += del;
      if (fabs(del) < fabs(sum) * 1e-16)
        break;
    }
    return 1.0 - sum * front;
  }
  double b = y + 1.0 - a, c = 1e300, d = 1.0 / b, h = d;
  for (int i = 1; i < 100000; i++) {
    double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    d = fabs(d) < 1e-300 ? 1e-300 : d;
    c = b + an / c;
    c = fabs(c) < 1e-300 ? 1e-300 : c;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < 1e-16)
      break;
  }
  return front * h;
}
