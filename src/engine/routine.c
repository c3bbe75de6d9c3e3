#include "routine.h"

#include "fc_error.h"
#include "internal/yamlcheck.h"
#include "yamldoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    routine_t pub;
    yc_pool mem;
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

static void load_step(yc_loader *ld, yaml_node_t *n, routine_step *step)
{
    if (n->type == YAML_SCALAR_NODE) {
        step->text = yc_text(ld, n, "step");
        return;
    }
    yc_field f[] = {{"say", NULL, NULL}, {"wait", NULL, NULL}, {"position", NULL, NULL}};
    if (yc_fields(ld, n, "a step", f, 3) < 0)
        return;
    if (yc_need(ld, n, &f[0], "this step"))
        step->text = yc_text(ld, f[0].value, "say");
    if (f[1].value)
        yc_int(ld, f[1].value, "wait", WAIT_MIN_S, WAIT_MAX_S, &step->wait_seconds);
    if (f[2].value)
        yc_bool(ld, f[2].value, "position", &step->position);
}

enum {
    EX_NAME, EX_PURPOSE, EX_KIND, EX_HOLD, EX_HOLD_RANGE, EX_REPS, EX_REP_RANGE, EX_REP_SECONDS,
    EX_REST, EX_SIDES, EX_STEPS, EX_PAIN, EX_AVOID, EX_PROGRESSION, EX_ALTERNATIVE, EX_COUNT
};

/* A count and the range it is prescribed in (repetitions in
 * repetition_range, hold_seconds in hold_range): both are required, and the
 * count must lie inside the range. The yc_field names are the keys. */
static void get_prescribed(yc_loader *ld, yaml_node_t *map, const char *what, yc_field *count,
                           yc_field *range, int lo, int hi, int *value, int *min, int *max)
{
    if (yc_need(ld, map, count, what) && yc_need(ld, map, range, what) &&
        yc_int(ld, count->value, count->name, lo, hi, value) == 0 &&
        yc_range(ld, range->value, range->name, min, max) == 0 &&
        (*value < *min || *value > *max))
        yc_problem(ld, count->value, "%s %d is outside the prescribed range %d-%d", count->name,
                *value, *min, *max);
}

/* A key that belongs to the other kind of exercise is an error, not
 * ignored: the author meant something by it. */
static void refuse(yc_loader *ld, const yc_field *f, const char *kind)
{
    if (f->value)
        yc_problem(ld, f->key, "'%s' is for '%s' exercises only", f->name, kind);
}

/* Returns 1 when the kind is known. */
static int load_kind(yc_loader *ld, yaml_node_t *n, yc_field *f, const char *what,
                     routine_exercise *ex)
{
    if (!yc_need(ld, n, f, what))
        return 0;
    const char *k = yc_scalar(f->value);
    if (k && !strcmp(k, "hold")) {
        ex->kind = ROUTINE_HOLD;
        return 1;
    }
    if (k && !strcmp(k, "reps")) {
        ex->kind = ROUTINE_REPS;
        return 1;
    }
    yc_problem(ld, f->value, "'kind' must be 'hold' or 'reps'");
    return 0;
}

static void load_hold(yc_loader *ld, yaml_node_t *n, yc_field *f, const char *what,
                      routine_exercise *ex)
{
    get_prescribed(ld, n, what, &f[EX_HOLD], &f[EX_HOLD_RANGE], HOLD_MIN_S, HOLD_MAX_S,
                   &ex->hold_seconds, &ex->hold_min, &ex->hold_max);
    refuse(ld, &f[EX_REP_SECONDS], "reps");
    if (f[EX_REST].value)
        yc_int(ld, f[EX_REST].value, "rest_seconds", 0, REST_MAX_S, &ex->rest_seconds);
}

static void load_reps(yc_loader *ld, yaml_node_t *n, yc_field *f, const char *what,
                      routine_exercise *ex)
{
    if (yc_need(ld, n, &f[EX_REP_SECONDS], what))
        yc_number(ld, f[EX_REP_SECONDS].value, "rep_seconds", TEMPO_MIN_S, TEMPO_MAX_S,
                   &ex->rep_seconds);
    refuse(ld, &f[EX_HOLD], "hold");
    refuse(ld, &f[EX_HOLD_RANGE], "hold");
}

static void load_sides(yc_loader *ld, yaml_node_t *n, yc_field *f, const char *what,
                       routine_exercise *ex)
{
    if (!yc_need(ld, n, f, what))
        return;
    const char *s = yc_scalar(f->value);
    if (s && !strcmp(s, "both"))
        ex->both_sides = true;
    else if (!s || strcmp(s, "none"))
        yc_problem(ld, f->value, "'sides' must be 'both' or 'none'");
}

static void load_steps(yc_loader *ld, yaml_node_t *steps, routine_exercise *ex)
{
    if (steps->type != YAML_SEQUENCE_NODE) {
        yc_problem(ld, steps, "'steps' must be a list");
        return;
    }
    size_t len = yc_seq_len(steps);
    if (len == 0)
        yc_problem(ld, steps, "'steps' is an empty list");
    routine_step *a = yc_keep_array(ld, len, sizeof *a);
    if (!a)
        return;
    int positions = 0;
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *item = yc_seq_item(ld, steps, i);
        load_step(ld, item, &a[i]);
        /* "repeat" can say only one step again. */
        if (a[i].position && ++positions == 2)
            yc_problem(ld, item, "only one step of an exercise can be its 'position'");
    }
    ex->steps = a;
    ex->n_steps = len;
}

/* Every problem of an exercise is reported, not just the first, so one
 * `check` lists them all; `what` names the exercise in them. */
static void load_exercise(yc_loader *ld, yaml_node_t *n, routine_exercise *ex, size_t index,
                          yaml_node_t **alternative)
{
    yc_field f[EX_COUNT] = {
        {"name", 0, 0}, {"purpose", 0, 0}, {"kind", 0, 0}, {"hold_seconds", 0, 0},
        {"hold_range", 0, 0}, {"repetitions", 0, 0}, {"repetition_range", 0, 0},
        {"rep_seconds", 0, 0}, {"rest_seconds", 0, 0}, {"sides", 0, 0}, {"steps", 0, 0},
        {"pain", 0, 0}, {"avoid", 0, 0}, {"progression", 0, 0}, {"alternative_to", 0, 0},
    };
    char what[64];
    snprintf(what, sizeof what, "exercise %zu", index + 1);
    ex->line = (int)n->start_mark.line + 1;
    ex->rest_seconds = REST_DEFAULT_S;
    if (yc_fields(ld, n, what, f, EX_COUNT) < 0)
        return;

    if (yc_need(ld, n, &f[EX_NAME], what))
        ex->name = yc_text(ld, f[EX_NAME].value, "name");
    if (ex->name)
        snprintf(what, sizeof what, "exercise '%s'", ex->name);
    if (yc_need(ld, n, &f[EX_PURPOSE], what))
        ex->purpose = yc_text(ld, f[EX_PURPOSE].value, "purpose");
    int kind_ok = load_kind(ld, n, &f[EX_KIND], what, ex);
    get_prescribed(ld, n, what, &f[EX_REPS], &f[EX_REP_RANGE], REPS_MIN, REPS_MAX,
                   &ex->repetitions, &ex->rep_min, &ex->rep_max);
    if (kind_ok && ex->kind == ROUTINE_HOLD)
        load_hold(ld, n, f, what, ex);
    else if (kind_ok)
        load_reps(ld, n, f, what, ex);
    load_sides(ld, n, &f[EX_SIDES], what, ex);
    yaml_node_t *steps = yc_need(ld, n, &f[EX_STEPS], what);
    if (steps)
        load_steps(ld, steps, ex);
    if (yc_need(ld, n, &f[EX_PAIN], what))
        yc_lines(ld, f[EX_PAIN].value, "pain", &ex->pain, &ex->n_pain);
    if (f[EX_AVOID].value)
        yc_lines(ld, f[EX_AVOID].value, "avoid", &ex->avoid, &ex->n_avoid);
    if (f[EX_PROGRESSION].value)
        yc_lines(ld, f[EX_PROGRESSION].value, "progression", &ex->progression,
                 &ex->n_progression);
    *alternative = f[EX_ALTERNATIVE].value;
}

/* alternative_to names an earlier exercise, itself no alternative: the
 * session runs one exercise of each such group (the first, unless the
 * prescription chooses another). Names are unique, so that a prescription
 * can name an exercise. */
static void link_exercises(yc_loader *ld, yaml_node_t *list, routine_exercise *a,
                           yaml_node_t **alternative, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        a[i].alternative_to = -1;
        for (size_t j = 0; j < i && a[i].name; j++)
            if (a[j].name && !strcmp(a[i].name, a[j].name))
                yc_problem(ld, yc_seq_item(ld, list, i), "two exercises are named '%s'",
                           a[i].name);
        if (!alternative[i])
            continue;
        const char *target = yc_scalar(alternative[i]);
        size_t j = 0;
        while (target && j < i && !(a[j].name && !strcmp(a[j].name, target)))
            j++;
        if (!target || j == i)
            yc_problem(ld, alternative[i],
                       "'alternative_to' must name an exercise that comes before this one");
        else if (a[j].alternative_to >= 0)
            yc_problem(ld, alternative[i], "'%s' is itself an alternative: name '%s' instead",
                       target, a[a[j].alternative_to].name);
        else
            a[i].alternative_to = (int)j;
    }
}

enum { RT_TITLE, RT_INTRO, RT_CLEARANCE, RT_CLOSING, RT_EXERCISES, RT_COUNT };

static int mentions_therapist(const routine_t *r)
{
    for (size_t i = 0; i < r->n_intro; i++)
        if (strstr(r->intro[i], "therapist"))
            return 1;
    return 0;
}

static void load_routine(yc_loader *ld, yaml_node_t *root, routine_t *r)
{
    yc_field f[RT_COUNT] = {
        {"title", 0, 0}, {"intro", 0, 0}, {"requires_clearance", 0, 0}, {"closing", 0, 0},
        {"exercises", 0, 0},
    };
    if (yc_fields(ld, root, "a routine", f, RT_COUNT) < 0)
        return;
    if (yc_need(ld, root, &f[RT_TITLE], "the routine"))
        r->title = yc_text(ld, f[RT_TITLE].value, "title");
    if (yc_need(ld, root, &f[RT_INTRO], "the routine"))
        yc_lines(ld, f[RT_INTRO].value, "intro", &r->intro, &r->n_intro);
    if (f[RT_CLOSING].value)
        yc_lines(ld, f[RT_CLOSING].value, "closing", &r->closing, &r->n_closing);
    if (f[RT_CLEARANCE].value &&
        yc_bool(ld, f[RT_CLEARANCE].value, "requires_clearance", &r->requires_clearance) == 0 &&
        r->requires_clearance && r->intro && !mentions_therapist(r))
        yc_problem(ld, f[RT_CLEARANCE].value,
                "requires_clearance is set but the intro never mentions the therapist");

    yaml_node_t *list = yc_need(ld, root, &f[RT_EXERCISES], "the routine");
    if (!list)
        return;
    if (list->type != YAML_SEQUENCE_NODE) {
        yc_problem(ld, list, "'exercises' must be a list");
        return;
    }
    size_t len = yc_seq_len(list);
    if (len == 0) {
        yc_problem(ld, list, "'exercises' is an empty list");
        return;
    }
    routine_exercise *a = yc_keep_array(ld, len, sizeof *a);
    yaml_node_t **alternative = yc_keep_array(ld, len, sizeof *alternative);
    if (!a || !alternative)
        return;
    for (size_t i = 0; i < len; i++)
        load_exercise(ld, yc_seq_item(ld, list, i), &a[i], i, &alternative[i]);
    link_exercises(ld, list, a, alternative, len);
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
        yc_report_add(report, "%s", yerr.detail);
        goto fail;
    }
    rc = FC_ERR_NOMEM;
    impl = calloc(1, sizeof *impl);
    if (!impl)
        goto fail;
    impl->pub.path = yc_pool_keep(&impl->mem, strdup(path));
    if (!impl->pub.path)
        goto fail;
    yaml_node_t *root = yaml_document_get_root_node(&doc.doc);
    yc_loader ld = {path, &doc.doc, report, &impl->mem, 0, 0};
    if (!root)
        yc_problem(&ld, NULL, "the file is empty; a routine needs a title, intro and exercises");
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
    if (rc < 0)
        yc_fail(err, rc, path, "routine", report);
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
    yc_pool_free(&impl->mem);
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
