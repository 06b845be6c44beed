/* Internal interface of the analysis module (src/analysis). */
#ifndef LYRA_ANALYSIS_H
#define LYRA_ANALYSIS_H

#include "lyra_internal.h"

/* The analysis window (t0, t1] and the spikes in it: [begin, end). */
typedef struct lyra__window {
  double t0, t1;
  uint64_t begin, end;
} lyra__window;

/* Resolves the window of o on s (see lyra_analysis_opts); err says why
 * it is empty. */
int lyra__analysis_window(const lyra_spikes *s, const lyra_analysis_opts *o,
                          lyra__window *w, char *err, size_t errlen);
/* The bin (t0 + k bin, t0 + (k + 1) bin] that holds t, as k (>= 0). */
int64_t lyra__bin_of(double t, double t0, double bin);
/* CV of intervals from Welford's mean and m2 over spikes - 1 intervals;
 * NaN with fewer than 3 spikes. */
double lyra__cv(double mean, double m2, uint32_t spikes);
/* Whole bins of length bin in the window (a last partial bin is left
 * out of count statistics). */
uint64_t lyra__whole_bins(const lyra__window *w, double bin);
/* For each neuron k: sum[k] = spikes in the first nbins bins, sq[k] = sum
 * over those bins of the squared count. */
int lyra__count_moments(const lyra_spikes *s, const lyra__window *w, double bin,
                        uint64_t nbins, double *sum, double *sq);

#endif
