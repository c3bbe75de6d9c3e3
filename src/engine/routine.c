#include "routine.h"

#include "fc_error.h"
#include "yamldoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Every string and array of a routine is owned by this pool, so destroy is a
 * single walk and a half-loaded routine frees exactly like a full one. */
typedef struct {
    void **ptrs;
    size_t n, cap;
} pool;

typedef struct {
    routine_t pub;
    pool mem;
} routine_impl;

/* The limits of scripts/README.md. */
enum {
    REPS_MIN = 1, REPS_MAX = 100,     /* repetitions */
    HOLD_MIN_S = 1, HOLD_MAX_S = 120, /* hold_seconds */
    REST_MAX_S = 120,                 /* rest_seconds, from 0 */
    REST_DEFAULT_S = 5,
    WAIT_MIN_S = 1, WAIT_MAX_S = 300, /* a step's wait */
};
#define TEMPO_MIN_S 1.0 /* rep_seconds */
#define TEMPO_MAX_S 10.0
/* One problem's message, before its file:line:col. */
#define PROBLEM_MAX 512

typedef struct {
    const char *path;
    yaml_document_t *doc;
    routine_report *report;
    pool *mem;
    int errors;
    int oom;
} loader;

static void *pool_keep(pool *p, void *ptr)
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

static void pool_free(pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->ptrs[i]);
    free(p->ptrs);
    p->ptrs = NULL;
    p->n = p->cap = 0;
}

static void report_add(routine_report *report, const char *fmt, ...) FC_PRINTF(2, 3);

static void report_add(routine_report *report, const char *fmt, ...)
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

void routine_report_clear(routine_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->n; i++)
        free(report->lines[i]);
    free(report->lines);
    report->lines = NULL;
    report->n = 0;
}

static void problem(loader *ld, const yaml_node_t *node, const char *fmt, ...) FC_PRINTF(3, 4);

static void problem(loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
    char msg[PROBLEM_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report_add(ld->report, "%s:%zu:%zu: %s", ld->path,
               node ? node->start_mark.line + 1 : 1,
               node ? node->start_mark.column + 1 : 1, msg);
    ld->errors++;
}

static yaml_node_t *node_at(loader *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(loader *ld, const yaml_node_t *n, size_t i)
{
    return node_at(ld, n->data.sequence.items.start[i]);
}

static char *keep_str(loader *ld, const char *s)
{
    char *copy = pool_keep(ld->mem, strdup(s));
    if (!copy)
        ld->oom = 1;
    return copy;
}

static void *keep_array(loader *ld, size_t n, size_t size)
{
    void *a = pool_keep(ld->mem, calloc(n ? n : 1, size));
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

/* A text field must be a non-empty scalar: narration that is silently empty
 * would leave the user on the floor wondering what to do. */
static const char *get_text(loader *ld, yaml_node_t *n, const char *key)
{
    const char *s = scalar(n);
    if (!s) {
        problem(ld, n, "'%s' must be text", key);
        return NULL;
    }
    if (is_blank(s)) {
        problem(ld, n, "'%s' is empty", key);
        return NULL;
    }
    return keep_str(ld, s);
}

static int get_int(loader *ld, yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    long v = 0;
    if (s) {
        errno = 0;
        v = strtol(s, &end, 10);
    }
    if (!s || !*s || *end || errno) {
        problem(ld, n, "'%s' must be a whole number", key);
        return -1;
    }
    if (v < lo || v > hi) {
        problem(ld, n, "'%s' is %ld; it must be between %d and %d", key, v, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int get_number(loader *ld, yaml_node_t *n, const char *key, double lo, double hi,
                      double *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    double v = 0;
    if (s)
        v = strtod(s, &end);
    if (!s || !*s || *end) {
        problem(ld, n, "'%s' must be a number", key);
        return -1;
    }
    if (v < lo || v > hi) {
        problem(ld, n, "'%s' is %g; it must be between %g and %g", key, v, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int get_range(loader *ld, yaml_node_t *n, const char *key, int *lo, int *hi)
{
    const char *s = scalar(n);
    int a = 0, b = 0, used = 0;
    if (!s || sscanf(s, "%d-%d%n", &a, &b, &used) != 2 || s[used] || a < 0 || b < a) {
        problem(ld, n, "'%s' must be a range MIN-MAX such as 15-30", key);
        return -1;
    }
    *lo = a;
    *hi = b;
    return 0;
}

static int get_bool(loader *ld, yaml_node_t *n, const char *key, bool *out)
{
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) {
        *out = true;
        return 0;
    }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) {
        *out = false;
        return 0;
    }
    problem(ld, n, "'%s' must be true or false", key);
    return -1;
}

/* A list of sentences; a single string is accepted as a list of one. */
static int get_lines(loader *ld, yaml_node_t *n, const char *key, const char *const **out,
                     size_t *count)
{
    if (n->type == YAML_SCALAR_NODE) {
        const char **a = keep_array(ld, 1, sizeof *a);
        const char *s = get_text(ld, n, key);
        if (!a || !s)
            return -1;
        a[0] = s;
        *out = a;
        *count = 1;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        problem(ld, n, "'%s' must be a list of sentences", key);
        return -1;
    }
    size_t len = seq_len(n);
    if (len == 0) {
        problem(ld, n, "'%s' is an empty list", key);
        return -1;
    }
    const char **a = keep_array(ld, len, sizeof *a);
    if (!a)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < len; i++) {
        a[i] = get_text(ld, seq_item(ld, n, i), key);
        if (!a[i])
            bad = 1;
    }
    *out = a;
    *count = len;
    return bad ? -1 : 0;
}

typedef struct {
    const char *name;
    yaml_node_t *value;
    yaml_node_t *key;
} field;

/* Collects a mapping's values by key name and flags keys nobody asked for,
 * so a typo like "hold_secnds" is an error rather than a silent default. */
static int get_fields(loader *ld, yaml_node_t *map, const char *what, field *fields, size_t n)
{
    if (!map || map->type != YAML_MAPPING_NODE) {
        problem(ld, map, "%s must be a mapping of keys to values", what);
        return -1;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *name = scalar(k);
        size_t i;
        for (i = 0; name && i < n; i++)
            if (!strcmp(name, fields[i].name))
                break;
        if (!name || i == n) {
            problem(ld, k, "unknown key '%s' in %s", name ? name : "?", what);
            continue;
        }
        if (fields[i].value)
            problem(ld, k, "'%s' is given twice", name);
        fields[i].key = k;
        fields[i].value = node_at(ld, p->value);
    }
    return 0;
}

static yaml_node_t *need(loader *ld, yaml_node_t *map, field *f, const char *what)
{
    if (!f->value)
        problem(ld, map, "%s has no '%s'", what, f->name);
    return f->value;
}

static void load_step(loader *ld, yaml_node_t *n, routine_step *step)
{
    if (n->type == YAML_SCALAR_NODE) {
        step->text = get_text(ld, n, "step");
        return;
    }
    field f[] = {{"say", NULL, NULL}, {"wait", NULL, NULL}, {"position", NULL, NULL}};
    if (get_fields(ld, n, "a step", f, 3) < 0)
        return;
    if (need(ld, n, &f[0], "this step"))
        step->text = get_text(ld, f[0].value, "say");
    if (f[1].value)
        get_int(ld, f[1].value, "wait", WAIT_MIN_S, WAIT_MAX_S, &step->wait_seconds);
    if (f[2].value)
        get_bool(ld, f[2].value, "position", &step->position);
}

enum {
    EX_NAME, EX_PURPOSE, EX_KIND, EX_HOLD, EX_HOLD_RANGE, EX_REPS, EX_REP_RANGE, EX_REP_SECONDS,
    EX_REST, EX_SIDES, EX_STEPS, EX_PAIN, EX_AVOID, EX_COUNT
};

/* A count and the range it is prescribed in (repetitions in
 * repetition_range, hold_seconds in hold_range): both are required, and the
 * count must lie inside the range. The field names are the keys. */
static void get_prescribed(loader *ld, yaml_node_t *map, const char *what, field *count,
                           field *range, int lo, int hi, int *value, int *min, int *max)
{
    if (need(ld, map, count, what) && need(ld, map, range, what) &&
        get_int(ld, count->value, count->name, lo, hi, value) == 0 &&
        get_range(ld, range->value, range->name, min, max) == 0 &&
        (*value < *min || *value > *max))
        problem(ld, count->value, "%s %d is outside the prescribed range %d-%d", count->name,
                *value, *min, *max);
}

/* A key that belongs to the other kind of exercise is an error, not
 * ignored: the author meant something by it. */
static void refuse(loader *ld, const field *f, const char *kind)
{
    if (f->value)
        problem(ld, f->key, "'%s' is for '%s' exercises only", f->name, kind);
}

/* Returns 1 when the kind is known. */
static int load_kind(loader *ld, yaml_node_t *n, field *f, const char *what,
                     routine_exercise *ex)
{
    if (!need(ld, n, f, what))
        return 0;
    const char *k = scalar(f->value);
    if (k && !strcmp(k, "hold")) {
        ex->kind = ROUTINE_HOLD;
        return 1;
    }
    if (k && !strcmp(k, "reps")) {
        ex->kind = ROUTINE_REPS;
        return 1;
    }
    problem(ld, f->value, "'kind' must be 'hold' or 'reps'");
    return 0;
}

static void load_hold(loader *ld, yaml_node_t *n, field *f, const char *what,
                      routine_exercise *ex)
{
    get_prescribed(ld, n, what, &f[EX_HOLD], &f[EX_HOLD_RANGE], HOLD_MIN_S, HOLD_MAX_S,
                   &ex->hold_seconds, &ex->hold_min, &ex->hold_max);
    refuse(ld, &f[EX_REP_SECONDS], "reps");
    if (f[EX_REST].value)
        get_int(ld, f[EX_REST].value, "rest_seconds", 0, REST_MAX_S, &ex->rest_seconds);
}

static void load_reps(loader *ld, yaml_node_t *n, field *f, const char *what,
                      routine_exercise *ex)
{
    if (need(ld, n, &f[EX_REP_SECONDS], what))
        get_number(ld, f[EX_REP_SECONDS].value, "rep_seconds", TEMPO_MIN_S, TEMPO_MAX_S,
                   &ex->rep_seconds);
    refuse(ld, &f[EX_HOLD], "hold");
    refuse(ld, &f[EX_HOLD_RANGE], "hold");
}

static void load_sides(loader *ld, yaml_node_t *n, field *f, const char *what,
                       routine_exercise *ex)
{
    if (!need(ld, n, f, what))
        return;
    const char *s = scalar(f->value);
    if (s && !strcmp(s, "both"))
        ex->both_sides = true;
    else if (!s || strcmp(s, "none"))
        problem(ld, f->value, "'sides' must be 'both' or 'none'");
}

static void load_steps(loader *ld, yaml_node_t *steps, routine_exercise *ex)
{
    if (steps->type != YAML_SEQUENCE_NODE) {
        problem(ld, steps, "'steps' must be a list");
        return;
    }
    size_t len = seq_len(steps);
    if (len == 0)
        problem(ld, steps, "'steps' is an empty list");
    routine_step *a = keep_array(ld, len, sizeof *a);
    if (!a)
        return;
    int positions = 0;
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *item = seq_item(ld, steps, i);
        load_step(ld, item, &a[i]);
        /* "repeat" can say only one step again. */
        if (a[i].position && ++positions == 2)
            problem(ld, item, "only one step of an exercise can be its 'position'");
    }
    ex->steps = a;
    ex->n_steps = len;
}

/* Every problem of an exercise is reported, not just the first, so one
 * `check` lists them all; `what` names the exercise in them. */
static void load_exercise(loader *ld, yaml_node_t *n, routine_exercise *ex, size_t index)
{
    field f[EX_COUNT] = {
        {"name", 0, 0}, {"purpose", 0, 0}, {"kind", 0, 0}, {"hold_seconds", 0, 0},
        {"hold_range", 0, 0}, {"repetitions", 0, 0}, {"repetition_range", 0, 0},
        {"rep_seconds", 0, 0}, {"rest_seconds", 0, 0}, {"sides", 0, 0}, {"steps", 0, 0},
        {"pain", 0, 0}, {"avoid", 0, 0},
    };
    char what[64];
    snprintf(what, sizeof what, "exercise %zu", index + 1);
    ex->line = (int)n->start_mark.line + 1;
    ex->rest_seconds = REST_DEFAULT_S;
    if (get_fields(ld, n, what, f, EX_COUNT) < 0)
        return;

    if (need(ld, n, &f[EX_NAME], what))
        ex->name = get_text(ld, f[EX_NAME].value, "name");
    if (ex->name)
        snprintf(what, sizeof what, "exercise '%s'", ex->name);
    if (need(ld, n, &f[EX_PURPOSE], what))
        ex->purpose = get_text(ld, f[EX_PURPOSE].value, "purpose");
    int kind_ok = load_kind(ld, n, &f[EX_KIND], what, ex);
    get_prescribed(ld, n, what, &f[EX_REPS], &f[EX_REP_RANGE], REPS_MIN, REPS_MAX,
                   &ex->repetitions, &ex->rep_min, &ex->rep_max);
    if (kind_ok && ex->kind == ROUTINE_HOLD)
        load_hold(ld, n, f, what, ex);
    else if (kind_ok)
        load_reps(ld, n, f, what, ex);
    load_sides(ld, n, &f[EX_SIDES], what, ex);
    yaml_node_t *steps = need(ld, n, &f[EX_STEPS], what);
    if (steps)
        load_steps(ld, steps, ex);
    if (need(ld, n, &f[EX_PAIN], what))
        get_lines(ld, f[EX_PAIN].value, "pain", &ex->pain, &ex->n_pain);
    if (f[EX_AVOID].value)
        get_lines(ld, f[EX_AVOID].value, "avoid", &ex->avoid, &ex->n_avoid);
}

enum { RT_TITLE, RT_INTRO, RT_CLEARANCE, RT_CLOSING, RT_EXERCISES, RT_COUNT };

static int mentions_therapist(const routine_t *r)
{
    for (size_t i = 0; i < r->n_intro; i++)
        if (strstr(r->intro[i], "therapist"))
            return 1;
    return 0;
}

static void load_routine(loader *ld, yaml_node_t *root, routine_t *r)
{
    field f[RT_COUNT] = {
        {"title", 0, 0}, {"intro", 0, 0}, {"requires_clearance", 0, 0}, {"closing", 0, 0},
        {"exercises", 0, 0},
    };
    if (get_fields(ld, root, "a routine", f, RT_COUNT) < 0)
        return;
    if (need(ld, root, &f[RT_TITLE], "the routine"))
        r->title = get_text(ld, f[RT_TITLE].value, "title");
    if (need(ld, root, &f[RT_INTRO], "the routine"))
        get_lines(ld, f[RT_INTRO].value, "intro", &r->intro, &r->n_intro);
    if (f[RT_CLOSING].value)
        get_lines(ld, f[RT_CLOSING].value, "closing", &r->closing, &r->n_closing);
    if (f[RT_CLEARANCE].value &&
        get_bool(ld, f[RT_CLEARANCE].value, "requires_clearance", &r->requires_clearance) == 0 &&
        r->requires_clearance && r->intro && !mentions_therapist(r))
        problem(ld, f[RT_CLEARANCE].value,
                "requires_clearance is set but the intro never mentions the therapist");

    yaml_node_t *list = need(ld, root, &f[RT_EXERCISES], "the routine");
    if (!list)
        return;
    if (list->type != YAML_SEQUENCE_NODE) {
        problem(ld, list, "'exercises' must be a list");
        return;
    }
    size_t len = seq_len(list);
    if (len == 0) {
        problem(ld, list, "'exercises' is an empty list");
        return;
    }
    routine_exercise *a = keep_array(ld, len, sizeof *a);
    if (!a)
        return;
    for (size_t i = 0; i < len; i++)
        load_exercise(ld, seq_item(ld, list, i), &a[i], i);
    r->exercises = a;
    r->n_exercises = len;
}

int routine_load(const char *path, routine_t **out, routine_report *report, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    routine_impl *impl = NULL;
    yamldoc doc = {.loaded = 0};
    routine_report mine = {0};
    fc_error yerr = {0};

    *out = NULL;
    if (report == NULL)
        report = &mine;
    if ((rc = yamldoc_load(path, &doc, &yerr)) < 0) {
        report_add(report, "%s", yerr.detail);
        goto fail;
    }
    rc = FC_ERR_NOMEM;
    impl = calloc(1, sizeof *impl);
    if (!impl)
        goto fail;
    impl->pub.path = pool_keep(&impl->mem, strdup(path));
    if (!impl->pub.path)
        goto fail;
    yaml_node_t *root = yaml_document_get_root_node(&doc.doc);
    loader ld = {path, &doc.doc, report, &impl->mem, 0, 0};
    if (!root)
        problem(&ld, NULL, "the file is empty; a routine needs a title, intro and exercises");
    else
        load_routine(&ld, root, &impl->pub);
    if (ld.oom)
        goto fail;
    if (ld.errors) {
        rc = FC_ERR_FORMAT;
        goto fail;
    }
    *out = &impl->pub;
    impl = NULL;
    rc = FC_OK;
fail:
    if (rc == FC_ERR_NOMEM)
        fc_fail(err, rc, "%s: out of memory reading the routine", path);
    else if (rc < 0)
        fc_fail(err, rc, "%s%s", report->n ? report->lines[0] : path,
                report->n > 1 ? " (and more: 'floorcoach check' lists every problem)" : "");
    routine_report_clear(&mine);
    yamldoc_free(&doc);
    routine_destroy(impl ? &impl->pub : NULL);
    return rc;
}

void routine_destroy(routine_t *r)
{
    if (!r)
        return;
    routine_impl *impl = (routine_impl *)r;
    pool_free(&impl->mem);
    free(impl);
}

char *routine_expand_side(const char *text, const char *side)
{
    static const char token[] = "{side}";
    size_t tlen = sizeof token - 1;
    size_t slen = side ? strlen(side) : tlen;
    size_t count = 0;
    for (const char *p = text; (p = strstr(p, token)); p += tlen)
        count++;
    size_t len = strlen(text) + count * slen - count * tlen + 1;
    char *out = malloc(len > strlen(text) + 1 ? len : strlen(text) + 1);
    if (!out)
        return NULL;
    char *w = out;
    const char *p = text;
    for (const char *hit; side && (hit = strstr(p, token)); p = hit + tlen) {
        memcpy(w, p, (size_t)(hit - p));
        w += hit - p;
        memcpy(w, side, slen);
        w += slen;
    }
    strcpy(w, p);
    return out;
}
