/* run.json: the machine-readable summary of a run, next to its output. */
#include "engine/network.h"

#include <inttypes.h>
#include <math.h>
#include <sys/resource.h>

static void json_number(FILE *f, double x) {
  if (isfinite(x))
    fprintf(f, "%.6g", x);
  else
    fputs("null", f); /* JSON has no NaN: undefined statistics are null */
}

static void write_pops(FILE *f, const lyra_network *net) {
  fputs("  \"populations\": [\n", f);
  for (int i = 0; i < net->n_pops; i++) {
    lyra_pop_stats s;
    lyra_network_population_stats(net, i, &s);
    fprintf(f,
            "    {\"name\": \"%s\", \"model\": \"%s\", \"size\": %" PRIu32
            ", \"spikes\": %" PRIu64 ", \"rate_hz\": ",
            s.name, s.model, s.size, s.spikes);
    json_number(f, s.rate_hz);
    fputs(", \"cv_isi\": ", f);
    json_number(f, s.cv_isi);
    fprintf(f, ", \"silent\": %" PRIu32 "}%s\n", s.silent,
            i + 1 < net->n_pops ? "," : "");
  }
  fputs("  ]\n", f);
}

int lyra__write_run_summary(lyra_network *net) {
  char err[LYRA__ERR_MAX];
  lyra__outfile o;
  lyra_network_info in;
  struct rusage ru;
  int rc;
  if ((rc = lyra__mkdirs(net->output_dir, err)) ||
      (rc = lyra__outfile_open(&o, net->output_dir, "run.json", err)))
    return lyra__network_error(net, rc, "%s", err);
  lyra_network_get_info(net, &in);
  getrusage(RUSAGE_SELF, &ru);
  FILE *f = o.f;
  fprintf(f,
          "{\n  \"lyra_version\": \"%s\",\n  \"seed\": %" PRIu64
          ",\n  \"dt_ms\": %.17g,\n  \"t_ms\": %.17g,\n  \"build_s\": %.4f,\n"
          "  \"sim_s\": %.4f,\n  \"neurons\": %" PRIu64
          ",\n  \"synapses\": %" PRIu64 ",\n  \"events\": %" PRIu64
          ",\n  \"bytes_synapses\": %" PRIu64 ",\n  \"bytes_total\": %" PRIu64
          ",\n  \"peak_rss_bytes\": %" PRIu64 ",\n",
          LYRA_VERSION_STRING, in.seed, in.dt, in.t_ms, in.build_s, in.sim_s,
          in.neurons, in.synapses, in.events, in.bytes_synapses, in.bytes_total,
          (uint64_t)ru.ru_maxrss * 1024u);
  fprintf(f,
          "  \"threads\": %d,\n  \"timed_ms\": %.17g,\n"
          "  \"real_time_factor\": ",
          in.threads, in.timed_ms);
  json_number(f,
              in.timed_ms > 0 ? in.sim_s / (in.timed_ms * 1e-3) : (double)NAN);
  fputs(",\n  \"events_per_s\": ", f);
  json_number(f, in.sim_s > 0 ? (double)in.events / in.sim_s : (double)NAN);
  fputs(",\n  \"bytes_per_synapse\": ", f);
  json_number(f, in.synapses ? (double)in.bytes_synapses / (double)in.synapses
                             : (double)NAN);
  fprintf(f,
          ",\n  \"plastic_synapses\": %" PRIu64
          ",\n  \"bytes_plastic\": %" PRIu64
          ",\n  \"bytes_per_plastic_synapse\": ",
          in.plastic_synapses, in.bytes_plastic);
  json_number(f, in.plastic_synapses
                     ? (double)in.bytes_plastic / (double)in.plastic_synapses
                     : (double)NAN);
  fputs(",\n  \"build_phases_s\": {", f);
  for (int i = 0; i < in.n_phases; i++)
    fprintf(f, "%s\"%s\": %.4f", i ? ", " : "", in.phase_name[i],
            in.phase_s[i]);
  fputs("},\n", f);
  write_pops(f, net);
  fputs("}\n", f);
  if ((rc = lyra__outfile_commit(&o, err)))
    return lyra__network_error(net, rc, "%s", err);
  return 0;
}
