/* yamlcheck: see internal/yamlcheck.h. */
#include "internal/yamlcheck.h"

#include "fc_error.h"
#include "fc_parse.h"
#include "routine.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One problem's message, before its file:line:col. */
#define PROBLEM_MAX 512
#define RANGE_TEXT_MAX 24 /* the digits of an int, with room to spare */

void *yc_pool_keep(yc_pool *p, void *ptr)
{
    if (!ptr)
        return NULL;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        void **grown = realloc(p->ptrs, cap * sizeof *grown);
        if (!grown) {
            free(ptr);
            return NULL;
        }
        p->ptrs = grown;
        p->cap = cap;
    }
    p->ptrs[p->n++] = ptr;
    return ptr;
}

void yc_pool_free(yc_pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->ptrs[i]);
    free(p->ptrs);
    p->ptrs = NULL;
    p->n = p->cap = 0;
}

void yc_report_add(routine_report *report, const char *fmt, ...)
{
    if (!report)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    if (vasprintf(&line, fmt, ap) < 0)
        line = NULL;
    va_end(ap);
    if (!line)
        return;
    char **grown = realloc(report->lines, (report->n + 1) * sizeof *grown);
    if (!grown) {
        free(line);
        return;
    }
    report->lines = grown;
    report->lines[report->n++] = line;
}


void yc_problem(yc_loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
    char msg[PROBLEM_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    yc_report_add(ld->report, "%s:%zu:%zu: %s", ld->path,
               node ? node->start_mark.line + 1 : 1,
               node ? node->start_mark.column + 1 : 1, msg);
    ld->errors++;
}

yaml_node_t *yc_node(yc_loader *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

const char *yc_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

size_t yc_seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *yc_seq_item(yc_loader *ld, const yaml_node_t *n, size_t i)
{
    return yc_node(ld, n->data.sequence.items.start[i]);
}

char *yc_keep_str(yc_loader *ld, const char *s)
{
    char *copy = yc_pool_keep(ld->mem, strdup(s));
    if (!copy)
        ld->oom = 1;
    return copy;
}

void *yc_keep_array(yc_loader *ld, size_t n, size_t size)
{
    void *a = yc_pool_keep(ld->mem, calloc(n ? n : 1, size));
    if (!a)
        ld->oom = 1;
    return a;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* The first control character in s (C0 other than tab and newline, DEL, or
 * a C1 code point in UTF-8), or NULL. Routine text reaches the terminal,
 * where an escape sequence would retitle it or worse. */
static const char *control_char(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
            return (const char *)p;
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return (const char *)p;
    }
    return NULL;
}

/* A text yc_field must be a non-empty scalar: narration that is silently empty
 * would leave the user on the floor wondering what to do. */
const char *yc_text(yc_loader *ld, yaml_node_t *n, const char *key)
{
    const char *s = yc_scalar(n);
    if (!s) {
        yc_problem(ld, n, "'%s' must be text", key);
        return NULL;
    }
    if (is_blank(s)) {
        yc_problem(ld, n, "'%s' is empty", key);
        return NULL;
    }
    size_t len = strlen(s);
    if (len > ROUTINE_TEXT_MAX) {
        yc_problem(ld, n, "'%s' is %zu characters long; a line can have at most %d: split it",
                   key, len, ROUTINE_TEXT_MAX);
        return NULL;
    }
    const char *bad = control_char(s);
    if (bad) {
        yc_problem(ld, n, "'%s' holds a control character (byte 0x%02x, at character %zu); "
                   "remove it", key, (unsigned char)*bad, (size_t)(bad - s) + 1);
        return NULL;
    }
    return yc_keep_str(ld, s);
}

int yc_int(yc_loader *ld, yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
    const char *s = yc_scalar(n);
    long v = 0;
    int rc = fc_parse_long(s, lo, hi, &v);
    if (rc == FC_ERR_FORMAT) {
        yc_problem(ld, n, "'%s' must be a whole number", key);
        return -1;
    }
    /* The text, not a value: one too large for a long has none. */
    if (rc < 0) {
        yc_problem(ld, n, "'%s' is %s; it must be between %d and %d", key, s, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int yc_number(yc_loader *ld, yaml_node_t *n, const char *key, double lo, double hi,
                      double *out)
{
    const char *s = yc_scalar(n);
    double v = 0;
    if (!s || fc_parse_double(s, -HUGE_VAL, HUGE_VAL, &v) < 0) {
        yc_problem(ld, n, "'%s' must be a number", key);
        return -1;
    }
    if (!(v >= lo && v <= hi)) {
        yc_problem(ld, n, "'%s' is %g; it must be between %g and %g", key, v, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* "MIN-MAX", each a whole number as fc_parse_long reads it. Returns 0,
 * RANGE_REVERSED when MAX < MIN, or -1 when it is no range. */
enum { RANGE_REVERSED = 1 };
static int parse_range(const char *s, long *a, long *b)
{
    char lo[RANGE_TEXT_MAX];
    const char *dash = s ? strchr(s, '-') : NULL;
    if (!dash || dash - s >= (ptrdiff_t)sizeof lo)
        return -1;
    memcpy(lo, s, (size_t)(dash - s));
    lo[dash - s] = '\0';
    if (fc_parse_long(lo, 0, INT_MAX, a) < 0 || fc_parse_long(dash + 1, 0, INT_MAX, b) < 0)
        return -1;
    return *b < *a ? RANGE_REVERSED : 0;
}

int yc_range(yc_loader *ld, yaml_node_t *n, const char *key, int *lo, int *hi)
{
    long a = 0, b = 0;
    int rc = parse_range(yc_scalar(n), &a, &b);
    /* A reversed range is a slip of the pen, not a format the reader
     * misunderstood: say which way round it goes. */
    if (rc == RANGE_REVERSED) {
        yc_problem(ld, n, "'%s' %ld-%ld runs from high to low: a range MIN-MAX starts with "
                   "its smaller number (%ld-%ld)", key, a, b, b, a);
        return -1;
    }
    if (rc < 0) {
        yc_problem(ld, n, "'%s' must be a range MIN-MAX such as 15-30", key);
        return -1;
    }
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

int yc_count_or_range(yc_loader *ld, yaml_node_t *n, const char *key, int lo, int hi,
                      int *min, int *max)
{
    const char *s = yc_scalar(n);
    /* A dash after the first character makes it a range; "-5" stays a
     * number, refused as one. */
    if (s && s[0] && strchr(s + 1, '-'))
        return yc_range(ld, n, key, min, max);
    long probe = 0;
    if (fc_parse_long(s, lo, hi, &probe) == FC_ERR_FORMAT) {
        yc_problem(ld, n, "'%s' must be a whole number or a range MIN-MAX such as 15-30", key);
        return -1;
    }
    int v = 0;
    if (yc_int(ld, n, key, lo, hi, &v) < 0)
        return -1;
    *min = *max = v;
    return 0;
}

int yc_bool(yc_loader *ld, yaml_node_t *n, const char *key, bool *out)
{
    const char *s = yc_scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) {
        *out = true;
        return 0;
    }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) {
        *out = false;
        return 0;
    }
    yc_problem(ld, n, "'%s' must be true or false", key);
    return -1;
}

/* A list of sentences; a single string is accepted as a list of one. */
int yc_lines(yc_loader *ld, yaml_node_t *n, const char *key, const char *const **out,
                     size_t *count)
{
    if (n->type == YAML_SCALAR_NODE) {
        const char **a = yc_keep_array(ld, 1, sizeof *a);
        const char *s = yc_text(ld, n, key);
        if (!a || !s)
            return -1;
        a[0] = s;
        *out = a;
        *count = 1;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        yc_problem(ld, n, "'%s' must be a list of sentences", key);
        return -1;
    }
    size_t len = yc_seq_len(n);
    if (len == 0) {
        yc_problem(ld, n, "'%s' is an empty list", key);
        return -1;
    }
    const char **a = yc_keep_array(ld, len, sizeof *a);
    if (!a)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < len; i++) {
        a[i] = yc_text(ld, yc_seq_item(ld, n, i), key);
        if (!a[i])
            bad = 1;
    }
    if (bad)
        return -1; /* never a list with holes: later checks read every line */
    *out = a;
    *count = len;
    return 0;
}


/* Collects a mapping's values by key name and flags keys nobody asked for,
 * so a typo like "hold_secnds" is an error rather than a silent default. */
int yc_fields(yc_loader *ld, yaml_node_t *map, const char *what, yc_field *fields, size_t n)
{
    if (!map || map->type != YAML_MAPPING_NODE) {
        yc_problem(ld, map, "%s must be a mapping of keys to values", what);
        return -1;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yc_node(ld, p->key);
        const char *name = yc_scalar(k);
        size_t i;
        for (i = 0; name && i < n; i++)
            if (!strcmp(name, fields[i].name))
                break;
        if (!name || i == n) {
            yc_problem(ld, k, "unknown key '%s' in %s", name ? name : "?", what);
            continue;
        }
        if (fields[i].value)
            yc_problem(ld, k, "'%s' is given twice", name);
        fields[i].key = k;
        fields[i].value = yc_node(ld, p->value);
    }
    return 0;
}

yaml_node_t *yc_need(yc_loader *ld, yaml_node_t *map, yc_field *f, const char *what)
{
    if (!f->value)
        yc_problem(ld, map, "%s has no '%s'", what, f->name);
    return f->value;
}


void yc_fail(fc_error *err, int rc, const char *path, const char *what,
             const routine_report *report)
{
    if (rc == FC_ERR_NOMEM)
        fc_fail(err, rc, "%s: out of memory reading the %s", path, what);
    else
        fc_fail(err, rc, "%s%s", report->n ? report->lines[0] : path,
                report->n > 1 ? " (and more: 'floorcoach check' lists every problem)" : "");
}
