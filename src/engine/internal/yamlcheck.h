/* yamlcheck: the checks every floorcoach YAML file gets (routines,
 * prescriptions): typed values, known keys only, and every problem reported
 * as "file:line:col: message" into a routine_report, so that `check` lists
 * them all. Internal to the engine; any thread, one loader per thread. */
#ifndef FLOORCOACH_YAMLCHECK_H
#define FLOORCOACH_YAMLCHECK_H

#include "fc_error.h"
#include "routine.h"

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

/* Every string and array of a routine is owned by this pool, so destroy is a
 * single walk and a half-loaded routine frees exactly like a full one. */
typedef struct {
    void **ptrs;
    size_t n, cap;
} yc_pool;

typedef struct {
    const char *path;
    yaml_document_t *doc;
    routine_report *report;
    yc_pool *mem;
    int errors;
    int oom;
} yc_loader;

typedef struct {
    const char *name;
    yaml_node_t *value;
    yaml_node_t *key;
} yc_field;

/* The string or array kept (NULL, freed, when out of memory). */
void *yc_pool_keep(yc_pool *p, void *ptr);
void yc_pool_free(yc_pool *p);

/* Adds one line to report (may be NULL). */
void yc_report_add(routine_report *report, const char *fmt, ...) FC_PRINTF(2, 3);
/* One problem at node (NULL: the file's start), counted in ld->errors. */
void yc_problem(yc_loader *ld, const yaml_node_t *node, const char *fmt, ...) FC_PRINTF(3, 4);

yaml_node_t *yc_node(yc_loader *ld, int index);
/* The node's text, or NULL when it is not a scalar. */
const char *yc_scalar(const yaml_node_t *n);
size_t yc_seq_len(const yaml_node_t *n);
yaml_node_t *yc_seq_item(yc_loader *ld, const yaml_node_t *n, size_t i);
/* Copies kept in ld->mem; NULL (and ld->oom) when out of memory. */
char *yc_keep_str(yc_loader *ld, const char *s);
void *yc_keep_array(yc_loader *ld, size_t n, size_t size);

/* Typed values: each returns 0, or -1 with the problem reported, naming key. */
const char *yc_text(yc_loader *ld, yaml_node_t *n, const char *key);
int yc_int(yc_loader *ld, yaml_node_t *n, const char *key, int lo, int hi, int *out);
int yc_number(yc_loader *ld, yaml_node_t *n, const char *key, double lo, double hi,
              double *out);
int yc_range(yc_loader *ld, yaml_node_t *n, const char *key, int *lo, int *hi);
/* A whole number in lo..hi (then *min == *max), or a range MIN-MAX as
 * yc_range reads it (its bounds checked by the caller, who names what they
 * must lie in). */
int yc_count_or_range(yc_loader *ld, yaml_node_t *n, const char *key, int lo, int hi,
                      int *min, int *max);
int yc_bool(yc_loader *ld, yaml_node_t *n, const char *key, bool *out);
/* A list of sentences; a single string is accepted as a list of one. */
int yc_lines(yc_loader *ld, yaml_node_t *n, const char *key, const char *const **out,
             size_t *count);

/* Fills fields[i].value (and .key) from a mapping by key name; unknown and
 * repeated keys are problems. Returns -1 when map is not a mapping. */
int yc_fields(yc_loader *ld, yaml_node_t *map, const char *what, yc_field *fields, size_t n);
/* A loader's failure as the user sees it (rc < 0): out of memory reading
 * WHAT, or the first problem of report and a pointer to `check`. */
void yc_fail(fc_error *err, int rc, const char *path, const char *what,
             const routine_report *report);

/* f's value, or NULL with "WHAT has no 'KEY'" reported. */
yaml_node_t *yc_need(yc_loader *ld, yaml_node_t *map, yc_field *f, const char *what);

#endif
