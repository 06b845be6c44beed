/*
 * What the SONATA reader (sonata.c) and writer (sonata_write.c) share:
 * the SONATA constants and a guard around every use of HDF5.
 */
#ifndef LYRA_SONATA_H
#define LYRA_SONATA_H

#include "lyra_internal.h"

#include <hdf5.h>

#define LYRA__SONATA_MAGIC 0x0A7Au /* root attribute "magic" */
#define LYRA__SONATA_FILE "spikes.h5"

/* lyra calls HDF5 only between lyra__h5_enter and lyra__h5_leave. Enter
 * takes a process-wide lock (a library built without thread safety must
 * not be entered by two threads, and lyra_spikes_load promises to be safe
 * from any thread) and turns HDF5's printing of error stacks off: lyra
 * reports its own one-line messages. Leave restores both. */
typedef struct lyra__h5_guard {
  H5E_auto2_t print;
  void *print_data;
} lyra__h5_guard;
void lyra__h5_enter(lyra__h5_guard *g);
void lyra__h5_leave(const lyra__h5_guard *g);

/* Closes a file, group, dataset, attribute, dataspace, datatype or
 * property list; ignores invalid (negative) ids, so that one cleanup path
 * serves every failure. */
void lyra__h5_close(hid_t id);

#endif
