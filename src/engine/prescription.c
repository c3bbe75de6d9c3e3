/* prescription: see prescription.h. */
#include "prescription.h"

#include "internal/yamlcheck.h"
#include "yamldoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    prescription_t pub;
    yc_pool mem;
} prescription_impl;

enum { RX_ROUTINE, RX_FREQUENCY, RX_EXERCISES, RX_COUNT };
enum { DOSE_NAME, DOSE_HOLD, DOSE_REPS, DOSE_USE, DOSE_PROGRESSION, DOSE_COUNT };

/* The largest single number read before the routine's range is checked:
 * above any range a routine can have, so the message names that range. */
enum { DOSE_TEXT_MAX = 1000 };

static const char *const FREQUENCIES[] = {"daily", "every other day"};

/* The first exercise of a group of alternatives (itself, when it is none). */
static int group_of(const routine_t *r, size_t e)
{
    int to = r->exercises[e].alternative_to;
    return to >= 0 ? to : (int)e;
}

static bool has_alternatives(const routine_t *r, size_t e)
{
    for (size_t i = 0; i < r->n_exercises; i++)
        if (i != e && group_of(r, i) == group_of(r, e))
            return true;
    return false;
}

static void defaults(const routine_t *r, routine_dose *d)
{
    for (size_t e = 0; e < r->n_exercises; e++) {
        const routine_exercise *ex = &r->exercises[e];
        d[e].run = ex->alternative_to < 0;
        d[e].hold_seconds = d[e].hold_min = d[e].hold_max = ex->hold_seconds;
        d[e].repetitions = d[e].rep_min = d[e].rep_max = ex->repetitions;
        d[e].progression = false;
        d[e].prescribed = false;
    }
}

static prescription_impl *make(const routine_t *r)
{
    prescription_impl *p = calloc(1, sizeof *p);
    routine_dose *d = p ? yc_pool_keep(&p->mem, calloc(r->n_exercises + 1, sizeof *d)) : NULL;
    if (!d) {
        prescription_destroy(p ? &p->pub : NULL);
        return NULL;
    }
    defaults(r, d);
    p->pub.doses = d;
    p->pub.n_doses = r->n_exercises;
    return p;
}

int prescription_default(const routine_t *r, prescription_t **out)
{
    prescription_impl *p = make(r);
    *out = p ? &p->pub : NULL;
    return p ? FC_OK : FC_ERR_NOMEM;
}

void prescription_destroy(prescription_t *p)
{
    if (!p)
        return;
    prescription_impl *impl = (prescription_impl *)p;
    yc_pool_free(&impl->mem);
    free(impl);
}

size_t prescription_exercises_run(const prescription_t *p)
{
    size_t n = 0;
    for (size_t e = 0; e < p->n_doses; e++)
        n += p->doses[e].run;
    return n;
}

/* A count the therapist chose, or the range they wrote for it, must lie in
 * the routine's range for it. The session starts at the bottom of a range:
 * progression moves up from there only when it goes well. */
static void take_count(yc_loader *ld, const yc_field *f, const routine_exercise *ex,
                       const routine_t *r, int lo, int hi, int *dose, int *min, int *max)
{
    int a, b;
    if (!f->value || yc_count_or_range(ld, f->value, f->name, 0, DOSE_TEXT_MAX, &a, &b) < 0)
        return;
    if (a < lo || b > hi) {
        if (a == b)
            yc_problem(ld, f->value, "%s %d is outside the range %d-%d that the routine "
                       "allows for '%s' (%s:%d)", f->name, a, lo, hi, ex->name, r->path,
                       ex->line);
        else
            yc_problem(ld, f->value, "%s %d-%d is outside the range %d-%d that the routine "
                       "allows for '%s' (%s:%d)", f->name, a, b, lo, hi, ex->name, r->path,
                       ex->line);
        return;
    }
    *dose = *min = a;
    *max = b;
}

static int find_exercise(const routine_t *r, const char *name)
{
    for (size_t e = 0; name && e < r->n_exercises; e++)
        if (!strcmp(r->exercises[e].name, name))
            return (int)e;
    return -1;
}

/* One entry of `exercises`: which exercise, and its doses. Returns the
 * exercise's index, or -1. */
static int load_dose(yc_loader *ld, yaml_node_t *n, const routine_t *r, routine_dose *doses,
                     bool *use)
{
    yc_field f[DOSE_COUNT] = {
        {"name", 0, 0}, {"hold_seconds", 0, 0}, {"repetitions", 0, 0}, {"use", 0, 0},
        {"progression", 0, 0},
    };
    if (yc_fields(ld, n, "an exercise's prescription", f, DOSE_COUNT) < 0 ||
        !yc_need(ld, n, &f[DOSE_NAME], "an exercise's prescription"))
        return -1;
    int e = find_exercise(r, yc_scalar(f[DOSE_NAME].value));
    if (e < 0) {
        yc_problem(ld, f[DOSE_NAME].value, "%s has no exercise named '%s'", r->path,
                   yc_scalar(f[DOSE_NAME].value) ? yc_scalar(f[DOSE_NAME].value) : "?");
        return -1;
    }
    const routine_exercise *ex = &r->exercises[e];
    routine_dose *d = &doses[e];
    if (d->prescribed)
        yc_problem(ld, n, "'%s' is prescribed twice", ex->name);
    d->prescribed = true;
    if (f[DOSE_HOLD].value && ex->kind != ROUTINE_HOLD)
        yc_problem(ld, f[DOSE_HOLD].key, "'%s' counts repetitions: it has no hold_seconds",
                   ex->name);
    else
        take_count(ld, &f[DOSE_HOLD], ex, r, ex->hold_min, ex->hold_max, &d->hold_seconds,
                   &d->hold_min, &d->hold_max);
    take_count(ld, &f[DOSE_REPS], ex, r, ex->rep_min, ex->rep_max, &d->repetitions,
               &d->rep_min, &d->rep_max);
    if (f[DOSE_USE].value && yc_bool(ld, f[DOSE_USE].value, "use", use) == 0 && *use &&
        !has_alternatives(r, (size_t)e))
        yc_problem(ld, f[DOSE_USE].value, "'%s' has no alternatives to be used instead of",
                   ex->name);
    if (f[DOSE_USE].value && !*use)
        yc_problem(ld, f[DOSE_USE].value, "'use' can only be true: it chooses '%s' over its "
                   "alternatives", ex->name);
    if (f[DOSE_PROGRESSION].value &&
        yc_bool(ld, f[DOSE_PROGRESSION].value, "progression", &d->progression) == 0 &&
        d->progression && ex->n_progression == 0)
        yc_problem(ld, f[DOSE_PROGRESSION].value, "'%s' has no progression in %s", ex->name,
                   r->path);
    return e;
}

/* `use: true` runs that exercise instead of the others of its group; one
 * choice per group, and no doses for an exercise that does not run. */
static void choose(yc_loader *ld, yaml_node_t *list, const routine_t *r, routine_dose *d,
                   const int *entry_of, const bool *used)
{
    for (size_t e = 0; e < r->n_exercises; e++) {
        if (!used[e])
            continue;
        for (size_t o = 0; o < r->n_exercises; o++) {
            if (o == e || group_of(r, o) != group_of(r, e))
                continue;
            if (used[o] && o < e)
                yc_problem(ld, yc_seq_item(ld, list, (size_t)entry_of[e]),
                           "'%s' and '%s' are alternatives: use one", r->exercises[o].name,
                           r->exercises[e].name);
            d[o].run = false;
        }
        d[e].run = true;
    }
    for (size_t e = 0; e < r->n_exercises; e++)
        if (d[e].prescribed && !d[e].run)
            yc_problem(ld, yc_seq_item(ld, list, (size_t)entry_of[e]),
                       "'%s' does not run: an alternative is used instead (give its doses "
                       "to the one used)", r->exercises[e].name);
}

static void load_exercises(yc_loader *ld, yaml_node_t *list, const routine_t *r,
                           routine_dose *d)
{
    if (list->type != YAML_SEQUENCE_NODE) {
        yc_problem(ld, list, "'exercises' must be a list");
        return;
    }
    int *entry_of = yc_keep_array(ld, r->n_exercises, sizeof *entry_of);
    bool *used = yc_keep_array(ld, r->n_exercises, sizeof *used);
    if (!entry_of || !used)
        return;
    for (size_t i = 0; i < yc_seq_len(list); i++) {
        bool use = false;
        int e = load_dose(ld, yc_seq_item(ld, list, i), r, d, &use);
        if (e >= 0) {
            entry_of[e] = (int)i;
            used[e] = use;
        }
    }
    choose(ld, list, r, d, entry_of, used);
}

static void load_frequency(yc_loader *ld, yaml_node_t *n, prescription_t *p)
{
    const char *s = yc_scalar(n);
    for (size_t i = 0; s && i < sizeof FREQUENCIES / sizeof FREQUENCIES[0]; i++)
        if (!strcmp(s, FREQUENCIES[i]))
            p->frequency = FREQUENCIES[i];
    if (!p->frequency)
        yc_problem(ld, n, "'frequency' must be 'daily' or 'every other day'");
}

static void load_prescription(yc_loader *ld, yaml_node_t *root, const routine_t *r,
                              prescription_t *p)
{
    yc_field f[RX_COUNT] = {{"routine", 0, 0}, {"frequency", 0, 0}, {"exercises", 0, 0}};
    if (!root) {
        yc_problem(ld, NULL, "the file is empty; a prescription names its routine");
        return;
    }
    if (yc_fields(ld, root, "a prescription", f, RX_COUNT) < 0)
        return;
    const char *title = yc_need(ld, root, &f[RX_ROUTINE], "the prescription")
                            ? yc_scalar(f[RX_ROUTINE].value) : NULL;
    if (f[RX_ROUTINE].value && (!title || strcmp(title, r->title)))
        yc_problem(ld, f[RX_ROUTINE].value, "this prescription is for the routine '%s', not "
                   "'%s' (%s)", title ? title : "?", r->title, r->path);
    if (f[RX_FREQUENCY].value)
        load_frequency(ld, f[RX_FREQUENCY].value, p);
    if (f[RX_EXERCISES].value)
        load_exercises(ld, f[RX_EXERCISES].value, r, (routine_dose *)p->doses);
}

int prescription_load(const char *path, const routine_t *r, prescription_t **out,
                      routine_report *report, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    yamldoc doc = {.loaded = 0};
    routine_report mine = {0};
    fc_error yerr = {0};
    prescription_impl *p = NULL;

    *out = NULL;
    if (report == NULL)
        report = &mine;
    if ((rc = yamldoc_load(path, &doc, &yerr)) < 0) {
        yc_report_add(report, "%s", yerr.detail);
        goto fail;
    }
    rc = FC_ERR_NOMEM;
    if (!(p = make(r)) || !(p->pub.path = yc_pool_keep(&p->mem, strdup(path))))
        goto fail;
    yc_loader ld = {path, &doc.doc, report, &p->mem, 0, 0};
    load_prescription(&ld, yaml_document_get_root_node(&doc.doc), r, &p->pub);
    if (ld.oom)
        goto fail;
    rc = ld.errors ? FC_ERR_FORMAT : FC_OK;
    if (rc == FC_OK) {
        *out = &p->pub;
        p = NULL;
    }
fail:
    if (rc < 0)
        yc_fail(err, rc, path, "prescription", report);
    routine_report_clear(&mine);
    yamldoc_free(&doc);
    prescription_destroy(p ? &p->pub : NULL);
    return rc;
}
