/* progression: today's dose of one exercise, within the range the physical
 * therapist prescribed, from how its recent sessions went (scripts/README.md,
 * "Progression").
 *
 * Pure: the caller reads the history and the clock and passes them in;
 * nothing here reads a file or a clock. One decision is about one quantity
 * (hold seconds, the number of holds, or repetitions); a hold exercise
 * whose therapist wrote a range for both is two decisions, joined by
 * progression_hold_first().
 *
 * The rules, first match wins:
 *  1. FIXED     the prescription gives one number (min == max): that.
 *  2. START     no history of this exercise: the range's bottom.
 *  3. CHANGED   the dose used last lies outside today's range (the therapist
 *               changed it since): the range's bottom.
 *  4. BREAK     the last session is more than PROGRESSION_RECENT_S old: a
 *               return after a break starts again at the bottom.
 *  5. PAIN      pain in the last session: one step down, never below min.
 *  6. PROGRESS  the last two sessions, both within PROGRESSION_RECENT_S,
 *               were completed (every hold or repetition done) without pain,
 *               each at least at the dose used last: one step up, never above
 *               max. Two good sessions *at this dose*, so that one step up is
 *               earned again at each new dose, not every session.
 *     AT_TOP    the same, already at max: stay.
 *  7. STEADY    anything else (one good session, one not completed, a last
 *               session dated after `now`, whose clock cannot be trusted to
 *               judge a break): the dose used last.
 * Whatever the input, min <= dose <= max. Stepping down (pain, a break, a
 * new range) is always allowed; stepping up needs the two good sessions. */
#ifndef FLOORCOACH_PROGRESSION_H
#define FLOORCOACH_PROGRESSION_H

#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One step: how far one good run of sessions moves a dose. */
#define PROGRESSION_STEP_SECONDS 5 /* hold seconds */
#define PROGRESSION_STEP_COUNT 1   /* holds or repetitions */
/* History older than this (14 days) is a return after a break. */
#define PROGRESSION_RECENT_S (14 * 24 * 60 * 60)

typedef enum {
    PROGRESSION_HOLD_SECONDS, /* seconds per hold */
    PROGRESSION_HOLDS,        /* how many holds (rounds) */
    PROGRESSION_REPS,         /* repetitions of a reps exercise */
} progression_quantity;

typedef enum {
    PROGRESSION_FIXED,
    PROGRESSION_START,
    PROGRESSION_CHANGED,
    PROGRESSION_BREAK,
    PROGRESSION_PAIN,
    PROGRESSION_PROGRESS,
    PROGRESSION_AT_TOP,
    PROGRESSION_STEADY,
} progression_reason;

/* What the therapist prescribed for one quantity of one exercise. */
typedef struct {
    progression_quantity quantity;
    int min, max; /* the range written; min == max: a fixed dose */
    int step;     /* > 0: progression_step(quantity) unless the caller knows better */
} progression_range;

/* How one earlier session of this exercise went. */
typedef struct {
    int64_t start;  /* when the session started, unix seconds */
    int dose;       /* the dose used, in the range's unit */
    bool completed; /* every hold or repetition done */
    bool pain;      /* a pain event during this exercise */
} progression_outcome;

typedef struct {
    int dose;                  /* today's */
    progression_reason reason;
    int last_dose;             /* the dose used last, 0 when there is no history */
} progression_decision;

/* Any thread. PROGRESSION_STEP_SECONDS or PROGRESSION_STEP_COUNT. */
int progression_step(progression_quantity q);

/* Any thread. Today's dose for range, from history (n outcomes of this
 * exercise only, newest first; NULL when n is 0) at now (unix seconds).
 * Returns 0, or FC_ERR_ARG (min < 0, min > max, step <= 0, or history not
 * newest first), with err (may be NULL) saying which. */
int progression_decide(const progression_range *range, const progression_outcome *history,
                       size_t n, int64_t now, progression_decision *out, fc_error *err);

/* Any thread. A hold exercise builds up its hold first, then its number
 * of holds, so that one session never steps up both. The holds may step
 * up only when the hold's decision is AT_TOP or FIXED (nowhere further to
 * go); any other holds' PROGRESS is undone: back to the dose used last,
 * reason STEADY. Steps down are kept. */
void progression_hold_first(const progression_decision *seconds,
                            progression_decision *holds);

/* Any thread. Name of a reason for the event log: "fixed", "start",
 * "changed", "break", "pain", "progress", "at_top", "steady". */
const char *progression_reason_name(progression_reason r);

/* Any thread. The sentence the coach says about decision d for the exercise
 * named name, into buf (cap bytes), e.g. "Last time the piriformis stretch
 * hurt, so we'll hold for 15 seconds today." Nothing ("") when the dose is
 * the one used last and nothing happened (FIXED, START, STEADY, AT_TOP): the
 * coach says why only when there is something to explain. The name's first
 * letter is lowered when its first word is a plain capitalised word
 * ("Bridges"); anything else (an acronym, "McKenzie") is said as written.
 * Returns the length, 0 for nothing, or FC_ERR_FULL when cap is too
 * small (buf then holds "") or FC_ERR_ARG for a NULL argument. */
int progression_sentence(const progression_decision *d, progression_quantity q,
                         const char *name, char *buf, size_t cap);

#endif
