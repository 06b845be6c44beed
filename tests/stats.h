/* Statistics shared by the tests. */
#ifndef LYRA_TEST_STATS_H
#define LYRA_TEST_STATS_H

/* Upper tail P(X > x) of a chi-square variable with df degrees of
 * freedom: the regularized incomplete gamma Q(df/2, x/2), by its series
 * below a + 1 and its continued fraction above (Numerical Recipes 6.2). */
double chi2_sf(double x, double df);

#endif
