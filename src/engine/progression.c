/* progression: see progression.h. */
#include "progression.h"

#include <stdio.h>
#include <string.h>

/* The two sessions that earn a step up. */
enum { GOOD_SESSIONS = 2 };

int progression_step(progression_quantity q)
{
    return q == PROGRESSION_HOLD_SECONDS ? PROGRESSION_STEP_SECONDS : PROGRESSION_STEP_COUNT;
}

static int check(const progression_range *range, const progression_outcome *history,
                 size_t n, fc_error *err)
{
    if (range->min < 0 || range->min > range->max)
        return fc_fail(err, FC_ERR_ARG, "progression: the range %d-%d is not a range",
                       range->min, range->max);
    if (range->step <= 0)
        return fc_fail(err, FC_ERR_ARG, "progression: a step of %d moves nothing",
                       range->step);
    if (n > 0 && !history)
        return fc_fail(err, FC_ERR_ARG, "progression: %zu sessions but no history", n);
    for (size_t i = 1; i < n; i++)
        if (history[i].start > history[i - 1].start)
            return fc_fail(err, FC_ERR_ARG, "progression: the history is not newest first "
                           "(session %zu is newer than session %zu)", i + 1, i);
    return FC_OK;
}

/* How long before now o started, for o->start <= now; unsigned, so that
 * no pair of dates overflows. */
static uint64_t age(const progression_outcome *o, int64_t now)
{
    return (uint64_t)now - (uint64_t)o->start;
}

/* Older than the recency window: a return after a break. */
static bool stale(const progression_outcome *o, int64_t now)
{
    return o->start <= now && age(o, now) > PROGRESSION_RECENT_S;
}

/* Within the recency window of now, and not after it: a session dated in
 * the future says the clock is wrong, and nothing can be judged from it. */
static bool recent(const progression_outcome *o, int64_t now)
{
    return o->start <= now && age(o, now) <= PROGRESSION_RECENT_S;
}

/* Completed without pain, at least at dose, recently. */
static bool good(const progression_outcome *o, int dose, int64_t now)
{
    return o->completed && !o->pain && o->dose >= dose && recent(o, now);
}

/* The rules of progression.h, in order. The step is computed without
 * overflow: only ever toward the other end of a range that holds last. */
static void decide(const progression_range *range, const progression_outcome *h, size_t n,
                   int64_t now, progression_decision *out)
{
    int last = out->last_dose;
    out->dose = range->min;
    if (range->min == range->max)
        out->reason = PROGRESSION_FIXED;
    else if (n == 0)
        out->reason = PROGRESSION_START;
    else if (last < range->min || last > range->max)
        out->reason = PROGRESSION_CHANGED;
    else if (stale(&h[0], now))
        out->reason = PROGRESSION_BREAK;
    else if (h[0].pain) {
        out->reason = PROGRESSION_PAIN;
        out->dose = last - range->min > range->step ? last - range->step : range->min;
    } else if (n >= GOOD_SESSIONS && good(&h[0], last, now) && good(&h[1], last, now)) {
        out->reason = last == range->max ? PROGRESSION_AT_TOP : PROGRESSION_PROGRESS;
        out->dose = range->max - last > range->step ? last + range->step : range->max;
    } else {
        out->reason = PROGRESSION_STEADY;
        out->dose = last;
    }
}

int progression_decide(const progression_range *range, const progression_outcome *history,
                       size_t n, int64_t now, progression_decision *out, fc_error *err)
{
    if (!range || !out)
        return fc_fail(err, FC_ERR_ARG, "progression: no range or no decision to fill");
    int rc = check(range, history, n, err);
    if (rc < 0)
        return rc;
    out->last_dose = n > 0 ? history[0].dose : 0;
    decide(range, history, n, now, out);
    return FC_OK;
}

void progression_hold_first(const progression_decision *seconds,
                            progression_decision *holds)
{
    bool hold_done = seconds->reason == PROGRESSION_AT_TOP ||
                     seconds->reason == PROGRESSION_FIXED;
    if (holds->reason == PROGRESSION_PROGRESS && !hold_done) {
        holds->dose = holds->last_dose;
        holds->reason = PROGRESSION_STEADY;
    }
}

const char *progression_reason_name(progression_reason r)
{
    static const char *const NAMES[] = {
        [PROGRESSION_FIXED] = "fixed",       [PROGRESSION_START] = "start",
        [PROGRESSION_CHANGED] = "changed",   [PROGRESSION_BREAK] = "break",
        [PROGRESSION_PAIN] = "pain",         [PROGRESSION_PROGRESS] = "progress",
        [PROGRESSION_AT_TOP] = "at_top",     [PROGRESSION_STEADY] = "steady",
    };
    if ((unsigned)r >= sizeof NAMES / sizeof NAMES[0] || !NAMES[r])
        return "unknown";
    return NAMES[r];
}

/* "15 seconds", "1 round", "4 repetitions". */
static const char *unit(progression_quantity q, int dose)
{
    static const char *const UNITS[][2] = {
        [PROGRESSION_HOLD_SECONDS] = {"second", "seconds"},
        [PROGRESSION_HOLDS] = {"round", "rounds"},
        [PROGRESSION_REPS] = {"repetition", "repetitions"},
    };
    return UNITS[q][dose != 1];
}

/* Lowered mid-sentence only when the first word is a plain capitalised
 * word ("Piriformis", "Bridges"): an acronym ("ITB"), a mixed-case name
 * ("McKenzie") or a digit keeps its case, as written. Speech sounds the
 * same either way; the log reads better. */
static char first_letter(const char *name)
{
    if (name[0] < 'A' || name[0] > 'Z' || name[1] < 'a' || name[1] > 'z')
        return name[0];
    for (const char *p = name + 1; *p && *p != ' ' && *p != ','; p++)
        if (*p < 'a' || *p > 'z')
            return name[0];
    return (char)(name[0] - 'A' + 'a');
}

/* What today's dose is, after "so we'll ": "hold for 20 seconds", "do 4
 * repetitions"; "stay at ..." when it has not changed. */
static int dose_phrase(const progression_decision *d, progression_quantity q, char *buf,
                       size_t cap)
{
    const char *verb = d->dose == d->last_dose ? "stay at"
                       : q == PROGRESSION_HOLD_SECONDS ? "hold for" : "do";
    return snprintf(buf, cap, "%s %d %s", verb, d->dose, unit(q, d->dose));
}

int progression_sentence(const progression_decision *d, progression_quantity q,
                         const char *name, char *buf, size_t cap)
{
    if (!d || !name || !name[0] || !buf || cap == 0 || (unsigned)q > PROGRESSION_REPS)
        return FC_ERR_ARG;
    char what[64];
    char first = first_letter(name);
    const char *rest = name + 1;
    const char *with = q == PROGRESSION_HOLD_SECONDS ? "at" : "with";
    int len = 0;
    dose_phrase(d, q, what, sizeof what);
    switch (d->reason) {
    case PROGRESSION_PAIN:
        len = snprintf(buf, cap, "Last time the %c%s hurt, so we'll %s today.", first, rest,
                       what);
        break;
    case PROGRESSION_PROGRESS:
        len = snprintf(buf, cap, "The %c%s went well the last two times, so we'll %s today.",
                       first, rest, what);
        break;
    case PROGRESSION_BREAK:
        len = snprintf(buf, cap, "It has been a while since the last %c%s, so we'll start "
                       "gently, %s %d %s.", first, rest, with, d->dose, unit(q, d->dose));
        break;
    case PROGRESSION_CHANGED:
        len = snprintf(buf, cap, "The prescription for the %c%s has changed, so we'll start "
                       "%s %d %s today.", first, rest, with, d->dose, unit(q, d->dose));
        break;
    default:
        buf[0] = '\0';
        return 0;
    }
    if (len < 0 || (size_t)len >= cap) {
        buf[0] = '\0';
        return FC_ERR_FULL;
    }
    return len;
}
