/* Receptor choice on conductance-based models: the weight's magnitude is
 * the conductance, whatever its sign, when the receptor is explicit. */
#include "lyra.h"
#include "test.h"

static double g_after_spike(lyra_receptor rec, double w, const char *var) {
  lyra_model *m;
  lyra_network *net = NULL;
  int dev;
  double t = 1.0, g = NAN;
  lyra_model_create(&m);
  lyra_model_add_population(m, "P", "iaf_cond_exp", 1, NULL);
  lyra_model_add_device(m, "spike_generator", &dev);
  lyra_model_set_device_spike_times(m, dev, &t, 1);
  lyra_model_connect_device(m, dev, 0, w, 0.1, rec);
  if (lyra_network_create(&net, m, NULL, 0) == 0) {
    lyra_network_simulate(net, 1.1, NULL, NULL);
    lyra_network_get_state(net, 0, 0, var, &g);
  }
  lyra_network_destroy(net);
  lyra_model_destroy(m);
  return g;
}

TEST(network_cond_receptor_magnitude) {
  /* NEST convention: the sign picks the port. */
  CHECK_NEAR(g_after_spike(LYRA_RECEPTOR_AUTO, -5.0, "g_in"), 5.0, 1e-12);
  CHECK_NEAR(g_after_spike(LYRA_RECEPTOR_AUTO, 5.0, "g_ex"), 5.0, 1e-12);
  /* Explicit receptor: magnitude, never a negative conductance. */
  CHECK_NEAR(g_after_spike(LYRA_RECEPTOR_IN, 5.0, "g_in"), 5.0, 1e-12);
  CHECK_NEAR(g_after_spike(LYRA_RECEPTOR_EX, -5.0, "g_ex"), 5.0, 1e-12);
  CHECK_NEAR(g_after_spike(LYRA_RECEPTOR_IN, 5.0, "g_ex"), 0.0, 0);
}
