/*
 * The model description: what the user asked for, validated as it is
 * added, without any large arrays. Building happens in build/.
 */
#include "lyra_internal.h"
#include "models/models.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lyra__model_error(lyra_model *m, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->err, sizeof m->err, fmt, ap);
  va_end(ap);
  return code;
}

static void free_contents(lyra_model *m) {
  for (int i = 0; i < m->n_pops; i++)
    for (int k = 0; k < LYRA__MAX_PARAMS; k++)
      free(m->pops[i].lists[k]);
  for (int i = 0; i < m->n_devs; i++) {
    free(m->devs[i].spike_times);
    free(m->devs[i].targets);
  }
  for (int i = 0; i < m->n_recs; i++)
    free(m->recs[i].neurons);
  for (int i = 0; i < m->n_wrecs; i++) {
    free(m->wrecs[i].sources);
    free(m->wrecs[i].targets);
  }
  free(m->wrecs);
  free(m->pext);
  free(m->pops);
  free(m->projs);
  free(m->devs);
  free(m->recs);
  free(m->output_dir);
}

static int set_defaults(lyra_model *m) {
  m->dt = 0.1;
  m->duration = 1000.0;
  m->seed = 1;
  m->output_dir = lyra__strdup("lyra-out");
  return m->output_dir ? 0 : LYRA_ENOMEM;
}

void lyra__model_clear(lyra_model *m) {
  char err[LYRA__ERR_MAX];
  memcpy(err, m->err, sizeof err);
  free_contents(m);
  memset(m, 0, sizeof *m);
  memcpy(m->err, err, sizeof err);
  set_defaults(m);
}

int lyra_model_create(lyra_model **out) {
  lyra_model *m;
  if (!out)
    return LYRA_EINVAL;
  *out = NULL;
  m = lyra__calloc(1, sizeof *m);
  if (!m)
    return LYRA_ENOMEM;
  if (set_defaults(m)) {
    free(m);
    return LYRA_ENOMEM;
  }
  *out = m;
  return 0;
}

void lyra_model_destroy(lyra_model *m) {
  if (!m)
    return;
  free_contents(m);
  free(m);
}

const char *lyra_model_errmsg(const lyra_model *m) {
  return m ? m->err : "";
}

/* Grows an array of elements of size `size` to hold one more. */
int lyra__grow(void **arr, int *cap, int n, size_t size) {
  if (n < *cap)
    return 0;
  int ncap = *cap ? 2 * *cap : 8;
  void *p = lyra__realloc(*arr, lyra__mul_size((size_t)ncap, size));
  if (!p)
    return LYRA_ENOMEM;
  *arr = p;
  *cap = ncap;
  return 0;
}

/* ---- run settings -------------------------------------------------- */

int lyra_model_set_dt(lyra_model *m, double dt) {
  if (!(dt >= 1e-4 && dt <= 100.0))
    return lyra__model_error(
        m, LYRA_EINVAL, "dt must be between 0.0001 ms and 100 ms, got %g ms",
        dt);
  m->dt = dt;
  return 0;
}

int lyra_model_set_duration(lyra_model *m, double t) {
  if (!(t >= 0 && t < 1e12))
    return lyra__model_error(
        m, LYRA_EINVAL, "duration must be >= 0 ms and finite, got %g ms", t);
  m->duration = t;
  return 0;
}

int lyra_model_set_seed(lyra_model *m, uint64_t seed) {
  if (seed > UINT32_MAX)
    return lyra__model_error(m, LYRA_EINVAL,
                             "seed must be between 0 and 4294967295, got %llu",
                             (unsigned long long)seed);
  m->seed = seed;
  return 0;
}

int lyra_model_set_output_dir(lyra_model *m, const char *dir) {
  if (!dir || !*dir)
    return lyra__model_error(m, LYRA_EINVAL, "output directory is empty");
  char *d = lyra__strdup(dir);
  if (!d)
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  free(m->output_dir);
  m->output_dir = d;
  return 0;
}

int lyra_model_set_threads(lyra_model *m, int threads) {
  if (threads < 0 || threads > 1024)
    return lyra__model_error(m, LYRA_EINVAL,
                             "threads must be 0 (one per core) to 1024, got "
                             "%d",
                             threads);
  m->threads = threads;
  return 0;
}

int lyra_model_threads(const lyra_model *m) {
  return m->threads;
}

double lyra_model_dt(const lyra_model *m) {
  return m->dt;
}
double lyra_model_duration(const lyra_model *m) {
  return m->duration;
}
uint64_t lyra_model_seed(const lyra_model *m) {
  return m->seed;
}
const char *lyra_model_output_dir(const lyra_model *m) {
  return m->output_dir;
}

/* ---- populations ---------------------------------------------------- */

int lyra__valid_name(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n >= LYRA__NAME_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return 0;
  }
  return 1;
}

int lyra_model_find_population(const lyra_model *m, const char *name) {
  for (int i = 0; name && i < m->n_pops; i++)
    if (strcmp(m->pops[i].name, name) == 0)
      return i;
  return LYRA_ENOTFOUND;
}

int lyra__check_pop(lyra_model *m, int pop) {
  if (pop < 0 || pop >= m->n_pops)
    return lyra__model_error(m, LYRA_EINVAL, "no population with index %d",
                             pop);
  return 0;
}

int lyra_model_add_population(lyra_model *m, const char *name,
                              const char *model, uint32_t size,
                              int *index_out) {
  const lyra__model_desc *d = lyra__neuron_model_find(model);
  if (!lyra__valid_name(name))
    return lyra__model_error(
        m, LYRA_EINVAL,
        "population name must be 1-63 characters of A-Z a-z 0-9 _ . -");
  if (lyra_model_find_population(m, name) >= 0)
    return lyra__model_error(m, LYRA_EINVAL, "population '%s' is defined twice",
                             name);
  if (!d)
    return lyra__model_error(m, LYRA_ENOTFOUND,
                             "unknown neuron model '%s' (see 'lyra models')",
                             model ? model : "(null)");
  if (size == 0)
    return lyra__model_error(m, LYRA_EINVAL,
                             "population '%s': size must be >= 1", name);
  if (lyra__grow((void **)&m->pops, &m->cap_pops, m->n_pops, sizeof *m->pops))
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  lyra__pop_spec *p = &m->pops[m->n_pops];
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "%s", name);
  p->model = d;
  p->size = size;
  p->reference_rate = (double)NAN;
  for (size_t i = 0; i < d->info.n_params; i++)
    p->params[i] = d->info.params[i].default_value;
  for (size_t i = 0; i < d->info.n_state; i++)
    p->init[i] = lyra_dist_constant(d->info.state[i].default_value);
  if (index_out)
    *index_out = m->n_pops;
  m->n_pops++;
  return 0;
}

/* A parameter with choices takes the index of one of its words. */
static int check_choice(lyra_model *m, const lyra_model_info *info, int k,
                        double value) {
  const char *choices = info->params[k].choices;
  int n = lyra__choice_count(choices);
  if (!choices || (value >= 0 && value < n && value == floor(value)))
    return 0;
  char list[512] = "", word[64], item[96];
  for (int i = 0; i < n; i++) {
    snprintf(item, sizeof item, "%s%d (%s)", i ? ", " : "", i,
             lyra__choice_word(choices, i, word, sizeof word));
    if (strlen(list) + strlen(item) < sizeof list)
      strcat(list, item);
  }
  return lyra__model_error(m, LYRA_EINVAL,
                           "%s: %s takes the index of one of its choices, "
                           "%s; got %g",
                           info->name, info->params[k].name, list, value);
}

int lyra__set_catalogue_param(lyra_model *m, const lyra_model_info *info,
                              double *params, const char *param, double value) {
  int k = param ? lyra__param_index(info, param) : -1;
  int rc;
  if (k < 0)
    return lyra__model_error(m, LYRA_ENOTFOUND,
                             "%s has no parameter '%s' (see 'lyra models %s')",
                             info->name, param ? param : "(null)", info->name);
  if (info->params[k].is_list)
    return lyra__model_error(m, LYRA_EINVAL,
                             "%s: %s is a list parameter (one value per "
                             "receptor port): set it with "
                             "lyra_model_set_param_list",
                             info->name, param);
  if (isnan(value))
    return lyra__model_error(m, LYRA_EINVAL, "%s: %s is NaN", info->name,
                             param);
  if ((rc = check_choice(m, info, k, value)))
    return rc;
  params[k] = value;
  return 0;
}

int lyra_model_set_param(lyra_model *m, int pop, const char *param,
                         double value) {
  int rc = lyra__check_pop(m, pop);
  if (rc)
    return rc;
  return lyra__set_catalogue_param(m, &m->pops[pop].model->info,
                                   m->pops[pop].params, param, value);
}

int lyra_model_set_param_list(lyra_model *m, int pop, const char *param,
                              const double *values, size_t n) {
  int rc = lyra__check_pop(m, pop);
  if (rc)
    return rc;
  lyra__pop_spec *p = &m->pops[pop];
  const lyra_model_info *info = &p->model->info;
  int k = param ? lyra__param_index(info, param) : -1;
  if (k < 0)
    return lyra__model_error(m, LYRA_ENOTFOUND,
                             "%s has no parameter '%s' (see 'lyra models %s')",
                             info->name, param ? param : "(null)", info->name);
  if (!info->params[k].is_list)
    return lyra__model_error(m, LYRA_EINVAL,
                             "%s: %s is a single value, not a list: set it "
                             "with lyra_model_set_param",
                             info->name, param);
  if (n == 0 || !values)
    return lyra__model_error(m, LYRA_EINVAL,
                             "%s: %s needs at least one value (one per "
                             "receptor port)",
                             info->name, param);
  /* Port k is the receptor value LYRA_RECEPTOR_IN + k: an int. */
  if (n > (size_t)INT32_MAX - LYRA_RECEPTOR_IN - 1)
    return lyra__model_error(m, LYRA_EINVAL, "%s: %s has too many values (%zu)",
                             info->name, param, n);
  for (size_t i = 0; i < n; i++)
    if (isnan(values[i]))
      return lyra__model_error(m, LYRA_EINVAL, "%s: element %zu of %s is NaN",
                               info->name, i + 1, param);
  double *copy = lyra__malloc(lyra__mul_size(n, sizeof *copy));
  if (!copy)
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  memcpy(copy, values, n * sizeof *copy);
  free(p->lists[k]);
  p->lists[k] = copy;
  p->list_len[k] = n;
  p->params[k] = values[0];
  return 0;
}

static const char *receptor_name(lyra_receptor rec) {
  return rec == LYRA_RECEPTOR_EX   ? "excitatory"
         : rec == LYRA_RECEPTOR_IN ? "inhibitory"
                                   : "auto";
}

int lyra__check_receptor(lyra_model *m, const char *what, int pop,
                         lyra_receptor rec) {
  const lyra__pop_spec *p = &m->pops[pop];
  const char *model = p->model->info.name;
  long k = lyra__receptor_port(rec);
  if (k < 0)
    return lyra__model_error(m, LYRA_EINVAL, "%s: unknown receptor %d", what,
                             (int)rec);
  if (lyra__is_multisynapse(p->model)) {
    unsigned long long n = lyra__spec_spike_ports(p);
    if (k == 0)
      return lyra__model_error(
          m, LYRA_EINVAL,
          "%s: receptor %s onto population '%s', but %s has numbered "
          "receptor ports: give one of 1..%llu (receptor: k)",
          what, receptor_name(rec), p->name, model, n);
    if ((unsigned long long)k > n)
      return lyra__model_error(m, LYRA_EINVAL,
                               "%s: receptor %ld onto population '%s' is out "
                               "of range: %s has receptor ports 1..%llu",
                               what, k, p->name, model, n);
    return 0;
  }
  if (k > 0)
    return lyra__model_error(
        m, LYRA_EINVAL,
        "%s: receptor %ld onto population '%s', but %s has no numbered "
        "receptor ports: use auto, excitatory or inhibitory",
        what, k, p->name, model);
  return 0;
}

const char *lyra__port_state_names(const lyra_model *m, int pop, char *buf,
                                   size_t cap) {
  const lyra__model_desc *d = m->pops[pop].model;
  unsigned long long n = lyra__spec_spike_ports(&m->pops[pop]);
  size_t at = 0;
  buf[0] = '\0';
  for (int j = 0; j < d->n_port_visible && at < cap; j++) {
    const char *v = d->port_state[j].name;
    int w = n == 1 ? snprintf(buf + at, cap - at, ", %s_1", v)
                   : snprintf(buf + at, cap - at, ", %s_1 .. %s_%llu", v, v, n);
    at += w > 0 ? (size_t)w : 0;
  }
  if (d->n_port_visible && at < cap)
    snprintf(buf + at, cap - at, " (per receptor port)");
  return buf;
}

static int check_dist(lyra_model *m, const lyra_dist *d, const char *what) {
  const double *p = d->p;
  for (int i = 0; i < 4; i++)
    if (isnan(p[i]))
      return lyra__model_error(m, LYRA_EINVAL, "%s: NaN parameter", what);
  switch (d->kind) {
  case LYRA_DIST_CONSTANT:
    if (!isfinite(p[0]))
      return lyra__model_error(m, LYRA_EINVAL, "%s: value must be finite",
                               what);
    return 0;
  case LYRA_DIST_UNIFORM:
    if (!(p[0] < p[1]) || !isfinite(p[0]) || !isfinite(p[1]))
      return lyra__model_error(m, LYRA_EINVAL,
                               "%s: uniform needs finite low < high", what);
    return 0;
  case LYRA_DIST_NORMAL:
  case LYRA_DIST_LOGNORMAL:
    if (!(p[1] >= 0) || !isfinite(p[0]) || !isfinite(p[1]))
      return lyra__model_error(m, LYRA_EINVAL,
                               "%s: needs a finite mean and std >= 0", what);
    return 0;
  case LYRA_DIST_NORMAL_CLIPPED:
    if (!(p[1] > 0) || !isfinite(p[0]) || !isfinite(p[1]) || !(p[2] < p[3]))
      return lyra__model_error(
          m, LYRA_EINVAL, "%s: normal_clipped needs std > 0 and low < high",
          what);
    /* Redrawing must terminate: refuse a window many sd from the mean. */
    if ((p[2] - p[0]) / p[1] > 6 || (p[0] - p[3]) / p[1] > 6)
      return lyra__model_error(
          m, LYRA_EINVAL,
          "%s: normal_clipped window lies more than 6 std from the mean", what);
    return 0;
  }
  return lyra__model_error(m, LYRA_EINVAL, "%s: unknown distribution", what);
}

int lyra_model_set_reference_rate(lyra_model *m, int pop, double hz) {
  int rc = lyra__check_pop(m, pop);
  if (rc)
    return rc;
  if (!(hz >= 0) || !isfinite(hz))
    return lyra__model_error(m, LYRA_EINVAL,
                             "reference rate must be >= 0 Hz, got %g Hz", hz);
  m->pops[pop].reference_rate = hz;
  return 0;
}

int lyra_model_set_initial(lyra_model *m, int pop, const char *var,
                           const lyra_dist *dist) {
  int rc = lyra__check_pop(m, pop);
  if (rc)
    return rc;
  const lyra_model_info *info = &m->pops[pop].model->info;
  int k = var ? lyra__state_index(info, var) : -1;
  if (k < 0)
    return lyra__model_error(m, LYRA_ENOTFOUND, "%s has no state variable '%s'",
                             info->name, var ? var : "(null)");
  if (!dist || (rc = check_dist(m, dist, var)))
    return dist ? rc : LYRA_EINVAL;
  m->pops[pop].init[k] = *dist;
  return 0;
}

int lyra_model_population_count(const lyra_model *m) {
  return m->n_pops;
}

const char *lyra_model_population_name(const lyra_model *m, int pop) {
  return pop >= 0 && pop < m->n_pops ? m->pops[pop].name : NULL;
}

const char *lyra_model_population_model(const lyra_model *m, int pop) {
  return pop >= 0 && pop < m->n_pops ? m->pops[pop].model->info.name : NULL;
}

uint32_t lyra_model_population_size(const lyra_model *m, int pop) {
  return pop >= 0 && pop < m->n_pops ? m->pops[pop].size : 0;
}

/* ---- projections ------------------------------------------------------ */

void lyra_projection_spec_init(lyra_projection_spec *s) {
  memset(s, 0, sizeof *s);
  s->rule = LYRA_RULE_ALL_TO_ALL;
  s->allow_autapses = 1;
  s->allow_multapses = 1;
  s->weight = lyra_dist_constant(1.0);
  s->delay = lyra_dist_constant(1.0);
  s->receptor = LYRA_RECEPTOR_AUTO;
}

static const char *const rule_names[] = {
    "all_to_all",     "one_to_one",      "pairwise_bernoulli",
    "fixed_indegree", "fixed_outdegree", "fixed_total_number"};

/* Smallest value a delay distribution can produce (for the check against
 * dt); unbounded ones are clipped to one step when drawn. */
static double delay_floor(const lyra_dist *d) {
  switch (d->kind) {
  case LYRA_DIST_CONSTANT:
  case LYRA_DIST_UNIFORM:
    return d->p[0];
  case LYRA_DIST_NORMAL_CLIPPED:
    return d->p[2];
  default:
    return HUGE_VAL;
  }
}

static int check_delay(lyra_model *m, const lyra_dist *d) {
  int rc = check_dist(m, d, "delay");
  if (rc)
    return rc;
  double lo = delay_floor(d);
  /* A constant delay must be at least one step. Drawn delays round to
   * whole steps with a minimum of one; a distribution whose floor would
   * round to zero steps is refused. */
  if (d->kind == LYRA_DIST_CONSTANT && lo < m->dt * (1 - 1e-9))
    return lyra__model_error(m, LYRA_EINVAL,
                             "delay %g ms is below the time step dt = %g ms",
                             lo, m->dt);
  if (lo < 0.5 * m->dt)
    return lyra__model_error(m, LYRA_EINVAL,
                             "delay %g ms is below the time step dt = %g ms",
                             lo, m->dt);
  if (d->kind == LYRA_DIST_CONSTANT && lo / m->dt > 65535)
    return lyra__model_error(m, LYRA_EINVAL, "delay %g ms exceeds 65535 steps",
                             lo);
  return 0;
}

/* Largest possible degree for the rule's n without multapses. */
static int check_degree(lyra_model *m, const lyra_projection_spec *s,
                        uint32_t pool, const char *what, const char *pool_of) {
  uint64_t avail = pool;
  if (!s->allow_autapses && s->source == s->target)
    avail--;
  if (!s->allow_multapses && s->n > avail)
    return lyra__model_error(
        m, LYRA_EINVAL,
        "%s %llu is larger than the %llu possible %s without multapses", what,
        (unsigned long long)s->n, (unsigned long long)avail, pool_of);
  if (s->n > UINT32_MAX)
    return lyra__model_error(m, LYRA_EINVAL, "%s %llu is too large", what,
                             (unsigned long long)s->n);
  if (s->n > 0 && avail == 0)
    return lyra__model_error(m, LYRA_EINVAL, "%s %llu but no %s are possible",
                             what, (unsigned long long)s->n, pool_of);
  return 0;
}

static int check_rule(lyra_model *m, const lyra_projection_spec *s) {
  uint32_t ns = m->pops[s->source].size, nt = m->pops[s->target].size;
  switch (s->rule) {
  case LYRA_RULE_ALL_TO_ALL:
    return 0;
  case LYRA_RULE_ONE_TO_ONE:
    if (ns != nt)
      return lyra__model_error(m, LYRA_EINVAL,
                               "one_to_one needs equal sizes, got %u and %u",
                               ns, nt);
    return 0;
  case LYRA_RULE_PAIRWISE_BERNOULLI:
    if (!(s->p >= 0.0 && s->p <= 1.0))
      return lyra__model_error(m, LYRA_EINVAL,
                               "probability p must be in [0, 1], got %g", s->p);
    return 0;
  case LYRA_RULE_FIXED_INDEGREE:
    return check_degree(m, s, ns, "indegree", "sources");
  case LYRA_RULE_FIXED_OUTDEGREE:
    return check_degree(m, s, nt, "outdegree", "targets");
  case LYRA_RULE_FIXED_TOTAL_NUMBER:
    if (!s->allow_multapses)
      return lyra__model_error(m, LYRA_ENOTSUP,
                               "fixed_total_number requires allow_multapses "
                               "(as in NEST)");
    if (s->n > UINT32_MAX * (uint64_t)nt)
      return lyra__model_error(m, LYRA_EINVAL, "N %llu is too large",
                               (unsigned long long)s->n);
    if (s->n > 0 && !s->allow_autapses && s->source == s->target && ns == 1)
      return lyra__model_error(m, LYRA_EINVAL,
                               "N %llu but no synapses are possible",
                               (unsigned long long)s->n);
    return 0;
  }
  return lyra__model_error(m, LYRA_EINVAL, "unknown connection rule %d",
                           (int)s->rule);
}

int lyra_model_add_projection(lyra_model *m, const lyra_projection_spec *s,
                              int *index_out) {
  int rc;
  if (!s)
    return lyra__model_error(m, LYRA_EINVAL, "no projection given");
  if ((rc = lyra__check_pop(m, s->source)) ||
      (rc = lyra__check_pop(m, s->target)) || (rc = check_rule(m, s)) ||
      (rc = check_dist(m, &s->weight, "weight")) ||
      (rc = check_delay(m, &s->delay)))
    return rc;
  if (lyra__add_projection_ext(m, s))
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  char what[LYRA__NAME_MAX + 16];
  snprintf(what, sizeof what, "projection '%s'", m->pext[m->n_projs].name);
  if ((rc = lyra__check_receptor(m, what, s->target, s->receptor)))
    return rc; /* the extension is unused until n_projs counts it */
  m->projs[m->n_projs] = *s;
  if (index_out)
    *index_out = m->n_projs;
  m->n_projs++;
  return 0;
}

int lyra_model_projection_count(const lyra_model *m) {
  return m->n_projs;
}

/* Name of a connection rule (for messages and summaries). */
const char *lyra__rule_name(lyra_rule r);
const char *lyra__rule_name(lyra_rule r) {
  return (unsigned)r < 6 ? rule_names[r] : "?";
}

/* ---- devices -------------------------------------------------------- */

int lyra_model_add_device(lyra_model *m, const char *model, int *index_out) {
  const lyra_model_info *info = lyra_model_info_find(model);
  int kind;
  if (info == &lyra__poisson_generator_info)
    kind = LYRA__DEV_POISSON;
  else if (info == &lyra__dc_generator_info)
    kind = LYRA__DEV_DC;
  else if (info == &lyra__spike_generator_info)
    kind = LYRA__DEV_SPIKEGEN;
  else if (info == &lyra__noise_generator_info)
    kind = LYRA__DEV_NOISE;
  else
    return lyra__model_error(m, LYRA_ENOTFOUND,
                             "unknown device model '%s' (see 'lyra models')",
                             model ? model : "(null)");
  if (lyra__grow((void **)&m->devs, &m->cap_devs, m->n_devs, sizeof *m->devs))
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  lyra__device_spec *d = &m->devs[m->n_devs];
  memset(d, 0, sizeof *d);
  d->info = info;
  d->kind = kind;
  for (size_t i = 0; i < info->n_params; i++)
    d->params[i] = info->params[i].default_value;
  if (index_out)
    *index_out = m->n_devs;
  m->n_devs++;
  return 0;
}

static int check_dev(lyra_model *m, int dev) {
  if (dev < 0 || dev >= m->n_devs)
    return lyra__model_error(m, LYRA_EINVAL, "no device with index %d", dev);
  return 0;
}

int lyra_model_set_device_param(lyra_model *m, int dev, const char *param,
                                double value) {
  int rc = check_dev(m, dev);
  if (rc)
    return rc;
  const lyra_model_info *info = m->devs[dev].info;
  int k = param ? lyra__param_index(info, param) : -1;
  if (k < 0)
    return lyra__model_error(m, LYRA_ENOTFOUND, "%s has no parameter '%s'",
                             info->name, param ? param : "(null)");
  if (isnan(value) ||
      (strcmp(param, "rate") == 0 && !(value >= 0 && isfinite(value))))
    return lyra__model_error(m, LYRA_EINVAL,
                             "%s: %s must be a finite number >= 0, got %g",
                             info->name, param, value);
  /* noise_generator: every parameter but stop finite; std, std_mod and
   * dt also >= 0 (dt 0 stands for NEST's default, ten steps) */
  int nonneg = !strcmp(param, "std") || !strcmp(param, "std_mod") ||
               !strcmp(param, "dt");
  if (info == &lyra__noise_generator_info && strcmp(param, "stop") &&
      strcmp(param, "start") && !(isfinite(value) && (value >= 0 || !nonneg)))
    return lyra__model_error(m, LYRA_EINVAL, "%s: %s must be finite%s, got %g",
                             info->name, param, nonneg ? " and >= 0" : "",
                             value);
  if ((strcmp(param, "start") == 0 && !(value >= 0 && isfinite(value))) ||
      (strcmp(param, "amplitude") == 0 && !isfinite(value)))
    return lyra__model_error(m, LYRA_EINVAL, "%s: %s must be finite%s",
                             info->name, param,
                             param[0] == 's' ? " and >= 0" : "");
  if ((rc = check_choice(m, info, k, value)))
    return rc;
  m->devs[dev].params[k] = value;
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int lyra_model_set_device_spike_times(lyra_model *m, int dev, const double *t,
                                      size_t n) {
  int rc = check_dev(m, dev);
  if (rc)
    return rc;
  if (m->devs[dev].kind != LYRA__DEV_SPIKEGEN)
    return lyra__model_error(m, LYRA_EINVAL,
                             "spike times belong to a spike_generator");
  for (size_t i = 0; i < n; i++)
    if (!(t[i] >= 0.5 * m->dt) || !isfinite(t[i]))
      return lyra__model_error(m, LYRA_EINVAL,
                               "spike time %g ms must be finite and >= dt "
                               "(%g ms)",
                               t[i], m->dt);
  double *copy = lyra__malloc(lyra__mul_size(n, sizeof *copy));
  if (!copy)
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  if (n)
    memcpy(copy, t, n * sizeof *copy);
  qsort(copy, n, sizeof *copy, cmp_double);
  free(m->devs[dev].spike_times);
  m->devs[dev].spike_times = copy;
  m->devs[dev].n_spike_times = n;
  return 0;
}

/* The receptor of a device that sends spikes (a current has one input,
 * whatever the receptor). */
int lyra__check_device_receptor(lyra_model *m, int dev, int pop,
                                lyra_receptor rec) {
  const lyra__device_spec *d = &m->devs[dev];
  if (d->kind != LYRA__DEV_POISSON && d->kind != LYRA__DEV_SPIKEGEN)
    return 0;
  char what[96];
  snprintf(what, sizeof what, "device %d (%s)", dev, d->info->name);
  return lyra__check_receptor(m, what, pop, rec);
}

/* Conductance receptor ports (aeif_cond_alpha_multisynapse) take weights
 * >= 0, as NEST requires: the port's E_rev gives the sign. */
static int check_device_weight(lyra_model *m, int dev, int pop, double w) {
  if (!(w < 0.0) || !m->pops[pop].model->nonnegative_weights ||
      (m->devs[dev].kind != LYRA__DEV_POISSON &&
       m->devs[dev].kind != LYRA__DEV_SPIKEGEN))
    return 0;
  return lyra__model_error(m, LYRA_EINVAL,
                           "device %d (%s): weight %g nS onto population "
                           "'%s' is negative; %s takes conductances >= 0 "
                           "(E_rev of the port gives the sign)",
                           dev, m->devs[dev].info->name, w, m->pops[pop].name,
                           m->pops[pop].model->info.name);
}

int lyra_model_connect_device(lyra_model *m, int dev, int pop, double weight,
                              double delay_ms, lyra_receptor receptor) {
  int rc;
  if ((rc = check_dev(m, dev)) || (rc = lyra__check_pop(m, pop)))
    return rc;
  lyra_dist delay = lyra_dist_constant(delay_ms);
  if (!isfinite(weight))
    return lyra__model_error(m, LYRA_EINVAL, "weight must be finite");
  if ((rc = check_delay(m, &delay)) ||
      (rc = lyra__check_device_receptor(m, dev, pop, receptor)) ||
      (rc = check_device_weight(m, dev, pop, weight)))
    return rc;
  lyra__device_spec *d = &m->devs[dev];
  lyra__device_target *t =
      lyra__realloc(d->targets, (d->n_targets + 1) * sizeof *t);
  if (!t)
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  d->targets = t;
  t[d->n_targets++] = (lyra__device_target){pop, weight, delay_ms, receptor};
  return 0;
}

/* What the parameters of one device must satisfy together, and with the
 * time step (which may be set after them, so this runs at validation). */
int lyra__check_device(lyra_model *m, int dev) {
  const lyra__device_spec *d = &m->devs[dev];
  if (d->kind != LYRA__DEV_NOISE)
    return 0;
  const double *p = d->params;
  if (p[LYRA__NOISE_STD_MOD] > p[LYRA__NOISE_STD])
    return lyra__model_error(m, LYRA_EINVAL,
                             "noise_generator: std_mod (%g pA) must not "
                             "exceed std (%g pA)",
                             p[LYRA__NOISE_STD_MOD], p[LYRA__NOISE_STD]);
  double steps = p[LYRA__NOISE_DT] / m->dt;
  if (p[LYRA__NOISE_DT] != 0.0 &&
      (!(steps >= 0.999) || fabs(steps - round(steps)) > 1e-6))
    return lyra__model_error(m, LYRA_EINVAL,
                             "noise_generator: dt (%g ms) must be a positive "
                             "multiple of the time step (%g ms)",
                             p[LYRA__NOISE_DT], m->dt);
  return 0;
}

int lyra_model_device_count(const lyra_model *m) {
  return m->n_devs;
}

/* ---- recorders -------------------------------------------------------- */

static lyra__recorder_spec *add_recorder(lyra_model *m) {
  if (lyra__grow((void **)&m->recs, &m->cap_recs, m->n_recs, sizeof *m->recs))
    return NULL;
  lyra__recorder_spec *r = &m->recs[m->n_recs++];
  memset(r, 0, sizeof *r);
  return r;
}

int lyra__check_formats(lyra_model *m, unsigned formats, unsigned allowed) {
  if (formats & LYRA_FORMAT_SONATA & ~allowed)
    return lyra__model_error(m, LYRA_EINVAL,
                             "the sonata format is for spike recorders only");
  if (formats == 0 || (formats & ~allowed))
    return lyra__model_error(m, LYRA_EINVAL,
                             allowed & LYRA_FORMAT_SONATA
                                 ? "recorder format must be binary, text "
                                   "and/or sonata"
                                 : "recorder format must be binary and/or "
                                   "text");
  return 0;
}

int lyra_model_record_spikes(lyra_model *m, int pop, unsigned formats) {
  int rc;
  if ((rc = lyra__check_pop(m, pop)) ||
      (rc = lyra__check_formats(m, formats, LYRA__SPIKE_FORMATS)))
    return rc;
  for (int i = 0; i < m->n_recs; i++)
    if (!m->recs[i].is_state && m->recs[i].pop == pop)
      return lyra__model_error(m, LYRA_EINVAL,
                               "spikes of '%s' are already recorded",
                               m->pops[pop].name);
  lyra__recorder_spec *r = add_recorder(m);
  if (!r)
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  r->pop = pop;
  r->formats = formats;
  return 0;
}

/* A per-port state variable must name a port the population has. */
static int check_port_var(lyra_model *m, int pop, int ref) {
  const lyra__pop_spec *p = &m->pops[pop];
  long port = lyra__state_ref_port(p->model, ref);
  unsigned long long n = lyra__spec_spike_ports(p);
  char name[LYRA__NAME_MAX + 16];
  if (port < 0 || (unsigned long long)port < n)
    return 0;
  return lyra__model_error(
      m, LYRA_EINVAL,
      "state variable %s of population '%s': %s has "
      "receptor ports 1..%llu",
      lyra__state_ref_name(p->model, ref, name, sizeof name), p->name,
      p->model->info.name, n);
}

int lyra_model_record_state(lyra_model *m, int pop, const char *var,
                            const uint32_t *neurons, size_t n, double interval,
                            unsigned formats) {
  int rc;
  if ((rc = lyra__check_pop(m, pop)) ||
      (rc = lyra__check_formats(m, formats, LYRA__FILE_FORMATS)))
    return rc;
  const lyra__model_desc *d = m->pops[pop].model;
  int k = var ? lyra__state_ref(d, var) : -1;
  char names[256];
  if (k < 0)
    return lyra__model_error(
        m, LYRA_ENOTFOUND,
        "%s has no state variable '%s' (see 'lyra "
        "models %s'%s)",
        d->info.name, var ? var : "(null)", d->info.name,
        lyra__port_state_names(m, pop, names, sizeof names));
  if ((rc = check_port_var(m, pop, k)))
    return rc;
  for (int i = 0; i < m->n_recs; i++)
    if (m->recs[i].is_state && m->recs[i].pop == pop && m->recs[i].var == k)
      return lyra__model_error(m, LYRA_EINVAL,
                               "%s of '%s' is already recorded (one recorder "
                               "per variable and population)",
                               var, m->pops[pop].name);
  if (n == 0 || !neurons)
    return lyra__model_error(m, LYRA_EINVAL, "no neurons to record");
  for (size_t i = 0; i < n; i++)
    if (neurons[i] >= m->pops[pop].size)
      return lyra__model_error(m, LYRA_EINVAL,
                               "neuron %u is outside population '%s' (size "
                               "%u)",
                               neurons[i], m->pops[pop].name,
                               m->pops[pop].size);
  double steps = interval / m->dt;
  if (!(steps >= 0.999) || fabs(steps - round(steps)) > 1e-6)
    return lyra__model_error(m, LYRA_EINVAL,
                             "interval %g ms must be a multiple of dt (%g ms)",
                             interval, m->dt);
  uint32_t *copy = lyra__malloc(n * sizeof *copy);
  lyra__recorder_spec *r = copy ? add_recorder(m) : NULL;
  if (!r) {
    free(copy);
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  }
  memcpy(copy, neurons, n * sizeof *copy);
  r->is_state = 1;
  r->pop = pop;
  r->var = k;
  r->neurons = copy;
  r->n_neurons = n;
  r->interval_ms = interval;
  r->formats = formats;
  return 0;
}

/* ---- whole-model checks ------------------------------------------------ */

/* The lists of a multisynapse population: all of one length (unset ones
 * have one element), each element admissible. */
static int check_lists(lyra_model *m, const lyra__pop_spec *p, char *err) {
  const lyra__model_desc *d = p->model;
  const lyra_param_info *info = d->info.params;
  const double *lists[LYRA__MAX_PARAMS] = {NULL};
  int first = -1;
  size_t n = 0;
  for (int i = 0; i < (int)d->info.n_params; i++) {
    if (!info[i].is_list)
      continue;
    size_t len = p->lists[i] ? p->list_len[i] : 1;
    lists[i] = p->lists[i] ? p->lists[i] : &p->params[i];
    if (first < 0) {
      first = i;
      n = len;
    } else if (len != n) {
      return lyra__model_error(m, LYRA_EINVAL,
                               "population '%s': %s: the lists %s and %s "
                               "must have the same length, one value per "
                               "receptor port: %s has %zu, %s %zu",
                               p->name, d->info.name, info[first].name,
                               info[i].name, info[first].name, n, info[i].name,
                               len);
    }
  }
  if (first < 0 || !d->validate_lists)
    return 0;
  int rc = d->validate_lists(p->params, lists, (uint32_t)n, err);
  return rc ? lyra__model_error(m, rc, "population '%s': %s", p->name, err) : 0;
}

/* Receptors, state variables per port: what depends on the port count of
 * a population, which may have changed since they were added. */
static int check_ports(lyra_model *m) {
  char what[LYRA__NAME_MAX + 16];
  int rc;
  for (int i = 0; i < m->n_projs; i++) {
    snprintf(what, sizeof what, "projection '%s'", m->pext[i].name);
    if ((rc = lyra__check_receptor(m, what, m->projs[i].target,
                                   m->projs[i].receptor)))
      return rc;
    const lyra_dist *w = &m->projs[i].weight;
    const lyra__pop_spec *t = &m->pops[m->projs[i].target];
    if (t->model->nonnegative_weights && w->kind == LYRA_DIST_CONSTANT &&
        w->p[0] < 0.0)
      return lyra__model_error(m, LYRA_EINVAL,
                               "%s: weight %g nS onto population '%s' is "
                               "negative; %s takes conductances >= 0 (E_rev "
                               "of the port gives the sign)",
                               what, w->p[0], t->name, t->model->info.name);
  }
  for (int i = 0; i < m->n_devs; i++)
    for (size_t k = 0; k < m->devs[i].n_targets; k++)
      if ((rc = lyra__check_device_receptor(m, i, m->devs[i].targets[k].pop,
                                            m->devs[i].targets[k].receptor)))
        return rc;
  for (int i = 0; i < m->n_recs; i++)
    if (m->recs[i].is_state &&
        (rc = check_port_var(m, m->recs[i].pop, m->recs[i].var)))
      return rc;
  return 0;
}

int lyra_model_validate(lyra_model *m) {
  char err[LYRA__ERR_MAX];
  for (int i = 0; i < m->n_pops; i++) {
    const lyra__pop_spec *p = &m->pops[i];
    int rc = p->model->validate(p->params, err);
    if (rc)
      return lyra__model_error(m, rc, "population '%s': %s", p->name, err);
    if ((rc = check_lists(m, p, err)))
      return rc;
  }
  for (int i = 0; i < m->n_projs; i++) {
    int rc = check_delay(m, &m->projs[i].delay);
    if (rc)
      return rc;
  }
  int rc = lyra__validate_plasticity(m);
  if (rc)
    return rc;
  for (int i = 0; i < m->n_devs; i++) {
    if ((rc = lyra__check_device(m, i)))
      return rc;
    for (size_t k = 0; k < m->devs[i].n_targets; k++) {
      lyra_dist d = lyra_dist_constant(m->devs[i].targets[k].delay_ms);
      rc = check_delay(m, &d);
      if (rc)
        return rc;
    }
  }
  return check_ports(m);
}
