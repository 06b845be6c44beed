/*
 * yaml_load.c - lyra_model_load_file / lyra_model_load_string: read the
 * text, let libyaml build the document (its nodes know their line and
 * column), then walk the sections in a fixed order. `run` goes first
 * whatever its place in the file, because checks made when projections and
 * devices are added (delay >= dt) need the step.
 */
#include "spec/yaml_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"run",     "populations", "projections",
                                       "devices", "recorders",   NULL};

static bool model_is_empty(const lyra_model *m) {
  return m->n_pops == 0 && m->n_projs == 0 && m->n_devs == 0 && m->n_recs == 0;
}

/* libyaml reports reader errors (bad UTF-8, control characters) as a byte
 * offset only; count the lines to give a position like the others. */
static void offset_to_mark(const char *text, size_t len, size_t off,
                           size_t *line, size_t *col) {
  size_t l = 1, start = 0;
  if (off > len)
    off = len;
  for (size_t i = 0; i < off; i++)
    if (text[i] == '\n') {
      l++;
      start = i + 1;
    }
  *line = l;
  *col = off - start + 1;
}

/* libyaml says "found character that cannot start any token" for a tab
 * in the indentation, the most common slip in hand-written YAML: name it. */
static const char *tab_hint(const char *text, size_t len,
                            const yaml_mark_t *mark) {
  size_t line = 0, i = 0;
  for (; i < len && line < mark->line; i++)
    if (text[i] == '\n')
      line++;
  i += mark->column;
  return i < len && text[i] == '\t' ? "; indent with spaces, not tabs" : "";
}

static int syntax_error(lyra__yctx *c, const yaml_parser_t *p, const char *text,
                        size_t len) {
  size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
  const char *problem = p->problem ? p->problem : "unknown error";
  c->code = p->error == YAML_MEMORY_ERROR ? LYRA_ENOMEM : LYRA_EPARSE;
  if (p->error == YAML_MEMORY_ERROR) {
    snprintf(c->err, sizeof c->err, "%s:1:1: out of memory reading YAML",
             c->name);
  } else if (p->error == YAML_READER_ERROR) {
    offset_to_mark(text, len, p->problem_offset, &line, &col);
    if (p->problem_value >= 0)
      snprintf(c->err, sizeof c->err,
               "%s:%zu:%zu: expected UTF-8 text, found byte 0x%02x (%s)",
               c->name, line, col, (unsigned)p->problem_value & 0xffu, problem);
    else
      snprintf(c->err, sizeof c->err, "%s:%zu:%zu: expected UTF-8 text, %s",
               c->name, line, col, problem);
  } else if (p->context) {
    snprintf(c->err, sizeof c->err,
             "%s:%zu:%zu: YAML syntax error: %s (%s at line %zu)%s", c->name,
             line, col, problem, p->context, p->context_mark.line + 1,
             tab_hint(text, len, &p->problem_mark));
  } else {
    snprintf(c->err, sizeof c->err, "%s:%zu:%zu: YAML syntax error: %s%s",
             c->name, line, col, problem,
             tab_hint(text, len, &p->problem_mark));
  }
  return c->code;
}

/* A file is one document: a second one (after "---") is most likely two
 * files pasted together, so it is refused rather than ignored. */
static int single_document(lyra__yctx *c, yaml_parser_t *p, const char *text,
                           size_t len) {
  yaml_document_t next;
  if (!yaml_parser_load(p, &next))
    return syntax_error(c, p, text, len);
  yaml_node_t *root = yaml_document_get_root_node(&next);
  if (root) {
    snprintf(c->err, sizeof c->err,
             "%s:%zu:%zu: expected a single YAML document, found a second "
             "one",
             c->name, next.start_mark.line + 1, next.start_mark.column + 1);
    c->code = LYRA_EPARSE;
  }
  yaml_document_delete(&next);
  return c->code;
}

static int walk(lyra__yctx *c) {
  const yaml_node_t *root = yaml_document_get_root_node(c->doc);
  yaml_node_t *n;
  if (!root)
    return lyra__yaml_fail(c, NULL, LYRA_EPARSE,
                           "expected a mapping with 'populations', found an "
                           "empty document");
  if (root->type != YAML_MAPPING_NODE) {
    char buf[64];
    return lyra__yaml_fail(c, root, LYRA_EPARSE,
                           "expected a mapping with 'populations', found %s",
                           lyra__yaml_describe(root, buf, sizeof buf));
  }
  if (lyra__yaml_check_map(c, root, "the top level", top_keys))
    return c->code;
  if ((n = lyra__yaml_get(c, root, "run", NULL)) && lyra__yaml_run(c, n))
    return c->code;
  if (lyra__yaml_require(c, root, "populations", NULL, "the top level", &n) ||
      lyra__yaml_populations(c, n))
    return c->code;
  if ((n = lyra__yaml_get(c, root, "projections", NULL)) &&
      lyra__yaml_projections(c, n))
    return c->code;
  if ((n = lyra__yaml_get(c, root, "devices", NULL)) &&
      lyra__yaml_devices(c, n))
    return c->code;
  if ((n = lyra__yaml_get(c, root, "recorders", NULL)) &&
      lyra__yaml_recorders(c, n))
    return c->code;
  if (c->scale_node) {
    int rc = lyra_model_scale(c->m, c->scale_neurons, c->scale_indegree);
    if (rc)
      return lyra__yaml_api_fail(c, c->scale_node, rc);
  }
  return 0;
}

static int load(lyra__yctx *c, const char *text, size_t len) {
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser))
    return lyra__yaml_fail(c, NULL, LYRA_ENOMEM, "out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    syntax_error(c, &parser, text, len);
    yaml_parser_delete(&parser);
    return c->code;
  }
  c->doc = &doc;
  if (!walk(c) && yaml_document_get_root_node(&doc))
    single_document(c, &parser, text, len);
  c->doc = NULL;
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  return c->code;
}

/* On failure the model is emptied, then given the message: the clear
 * keeps m->err, but setting it last does not depend on that. */
static int finish(lyra_model *m, lyra__yctx *c) {
  if (!c->code)
    return 0;
  lyra__model_clear(m);
  return lyra__model_error(m, c->code, "%s", c->err);
}

int lyra_model_load_string(lyra_model *m, const char *text, size_t len,
                           const char *name) {
  lyra__yctx c = {.m = m, .name = name ? name : "<string>"};
  if (!m)
    return LYRA_EINVAL;
  if (!text && len)
    return lyra__model_error(m, LYRA_EINVAL,
                             "lyra_model_load_string: text is NULL");
  if (!model_is_empty(m))
    return lyra__model_error(
        m, LYRA_ESTATE, "%s: the model must be empty before loading", c.name);
  if (len > LYRA__YAML_MAX_BYTES)
    return lyra__model_error(m, LYRA_EINVAL,
                             "%s: %zu bytes is larger than the limit of "
                             "64 MiB for a model file",
                             c.name, len);
  load(&c, text ? text : "", len);
  return finish(m, &c);
}

/* Reads the whole file, refusing more than the limit. A loop, not the size
 * from stat, so that pipes and /dev/stdin work too. */
static int read_file(lyra_model *m, const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return lyra__model_error(m, LYRA_EIO, "%s: cannot open: %s", path,
                             strerror(errno));
  /* One byte over the limit is enough to know the file is too large. */
  const size_t limit = LYRA__YAML_MAX_BYTES + 1;
  size_t cap = 1 << 16, n = 0;
  char *buf = lyra__malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || cap == limit)
      break;
    size_t next = cap * 2 < limit ? cap * 2 : limit;
    char *bigger = lyra__realloc(buf, next);
    if (!bigger)
      free(buf);
    buf = bigger;
    cap = next;
  }
  int rc = 0, read_errno = errno;
  if (!buf)
    rc = lyra__model_error(m, LYRA_ENOMEM, "%s: out of memory", path);
  else if (ferror(f))
    rc = lyra__model_error(m, LYRA_EIO, "%s: cannot read: %s", path,
                           strerror(read_errno));
  else if (n > LYRA__YAML_MAX_BYTES)
    rc = lyra__model_error(m, LYRA_EINVAL,
                           "%s: file is larger than the limit of 64 MiB for "
                           "a model file",
                           path);
  fclose(f);
  if (rc)
    free(buf);
  *out = rc ? NULL : buf;
  *len = n;
  return rc;
}

int lyra_model_load_file(lyra_model *m, const char *path) {
  char *text = NULL;
  size_t len = 0;
  if (!m)
    return LYRA_EINVAL;
  if (!path)
    return lyra__model_error(m, LYRA_EINVAL,
                             "lyra_model_load_file: path is NULL");
  if (!model_is_empty(m))
    return lyra__model_error(
        m, LYRA_ESTATE, "%s: the model must be empty before loading", path);
  int rc = read_file(m, path, &text, &len);
  if (rc)
    return rc;
  rc = lyra_model_load_string(m, text, len, path);
  free(text);
  return rc;
}
