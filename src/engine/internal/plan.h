/* plan: a routine flattened into a list of simple items, internal to the
 * engine (only session.c and the engine's tests use it).
 *
 * The session walks the plan with a program counter, so "next", "repeat"
 * and "pain" become jumps within it, which is far easier to get right than
 * nested loops with flags. The plan also owns every text the session says:
 * the narration built from the routine, the fixed prompts, the counts and
 * the closing summary, so session.c holds no wording of its own.
 *
 * Every function here is for the engine thread that owns the session; a
 * built plan is immutable. */
#ifndef FLOORCOACH_PLAN_H
#define FLOORCOACH_PLAN_H

#include "prescription.h"
#include "routine.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    PLAN_EXERCISE, /* marker: an exercise (or one side of it) begins */
    PLAN_SAY,      /* a narrated line */
    PLAN_WAIT,     /* wait point: wait for "next", up to `seconds` */
    PLAN_HOLD,     /* a counted hold of `seconds`, repetition `rep` of `of` */
    PLAN_REST,     /* silence of `seconds` between holds */
    PLAN_REPS,     /* `of` repetitions counted every `tempo` seconds */
    PLAN_CLEARANCE, /* wait up to `seconds` for "next": the therapist has cleared the user */
    PLAN_SUMMARY,  /* what was done, said at the end */
    PLAN_END,
} plan_kind;

typedef struct {
    plan_kind kind;
    char *text;        /* PLAN_SAY: the line, owned by the plan */
    bool position;     /* PLAN_SAY: the exercise's position step (the user gets into it) */
    const char *again; /* PLAN_HOLD/PLAN_REPS: the instruction said again on "repeat" */
    int seconds, rep, of;
    double tempo;
    int exercise;      /* index into the routine, -1 outside exercises */
    const char *side;  /* "left", "right" or NULL */
    int block_start;   /* first item of this exercise side (its PLAN_EXERCISE) */
    int exercise_end;  /* first item after this exercise, all sides */
} plan_item;

/* The prompts the session says on its own, not taken from the routine. */
typedef enum {
    PLAN_LINE_PAIN_COME_BACK, /* pain outside an exercise: its guidance */
    PLAN_LINE_PAIN_ADVICE,
    PLAN_LINE_ASK_AFTER_PAIN, /* next, repeat or stop? */
    PLAN_LINE_NO_ANSWER,      /* nobody answered that question */
    PLAN_LINE_STOPPING,       /* before the summary, after "stop" */
    PLAN_LINE_FINISHING,      /* before the summary, otherwise */
    PLAN_LINE_PAUSED,         /* after "stop" or "pain" heard without certainty */
    PLAN_LINE_ASK_AFTER_PAIN_INTRO, /* next or stop, after pain before any exercise */
    PLAN_LINE_ASK_CLEARANCE,  /* has the therapist cleared the user? */
    PLAN_LINE_NOT_CLEARED,    /* no: the session ends before any exercise */
    PLAN_LINE_ASK_IF_HURT,    /* after "stop": was it pain? */
    PLAN_LINE_WAIT_REMINDER,  /* a long wait point: what to say */
    PLAN_LINE_DEAF,           /* the microphone is lost: paused */
    PLAN_LINE_HEARING_BACK,   /* it is back: what to say to go on */
    PLAN_LINE_MUTE,           /* the speaker is lost: paused (said in case it is back) */
    PLAN_LINE_SPEAKER_BACK,   /* it is back: what to say to go on */
    PLAN_LINE_ASK_RATING,     /* after pain's guidance: how strong, 1-10? */
    PLAN_LINE_COUNT,
} plan_line;

/* A pain rating runs from 1 to this ("from one to ten"). */
#define PLAN_RATING_MAX 10

/* "Noted: 7 out of 10.": what the coach says on taking rating (1-10);
 * NULL outside the range. */
const char *plan_rated_text(int rating);

/* Room for the closing summary (plan_summary). */
#define PLAN_SUMMARY_MAX 512
/* Room for one count (plan_count_text). */
#define PLAN_COUNT_MAX 64

typedef struct plan plan_t;

/* Returns 0 or FC_ERR_NOMEM. The routine and the prescription (its doses,
 * alternatives and progressions) must outlive the plan. With ask_clearance,
 * a routine that requires clearance asks for it after its introduction. */
int plan_create(const routine_t *routine, const prescription_t *rx, bool ask_clearance,
                plan_t **out);
/* Accepts NULL and a plan whose building failed half way. */
void plan_destroy(plan_t *p);

/* Number of items; the last is always PLAN_END, the one before it
 * PLAN_SUMMARY. */
int plan_length(const plan_t *p);
/* Item i, 0 <= i < plan_length(). */
const plan_item *plan_at(const plan_t *p, int i);

/* The fixed prompt; the string is static. */
const char *plan_line_text(plan_line line);

/* Every fixed line the session may say: the plan's narration in order, the
 * routine's pain guidance, then the fixed prompts (session_prompt()). Index
 * 0..plan_prompt_count()-1; NULL past the end. */
size_t plan_prompt_count(const plan_t *p);
const char *plan_prompt(const plan_t *p, size_t i);

/* What a count says: count n of a PLAN_HOLD or PLAN_REPS item. The last
 * count of each says so ("5, release.", "20, and relax."); the others are
 * the bare number. Writes at most len bytes into buf and returns buf. */
const char *plan_count_text(const plan_item *it, int n, char *buf, size_t len);

/* The closing summary: how many exercises were done (done[e] is 1 or 0 for
 * each exercise of the routine) of those the prescription runs, and which
 * ones hurt (pained[e]; pained[n_exercises]: pain outside any exercise),
 * with the rating given, when rated (may be NULL) has one (rated[e] 1-10).
 * Writes at most len bytes (PLAN_SUMMARY_MAX is enough) into buf. */
void plan_summary(const plan_t *p, const int *done, const int *pained, const int *rated,
                  char *buf, size_t len);

#endif
