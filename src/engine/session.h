/* session: the coach's state machine.
 *
 * Pure: no I/O, no threads, no clocks of its own. Time is the 16 kHz sample
 * index of the session's audio, and it only moves when the caller says so.
 * The caller posts what happened (a heard command, the length of audio it
 * just scheduled) and polls for what to do next: each action carries the
 * exact sample at which it takes effect, so a count lands on its mark no
 * matter when the caller got round to asking. This is what makes a session
 * testable with a virtual clock and reproducible bit for bit from files.
 *
 * Every function here is for the engine thread (the one that owns the
 * handle); none blocks. */
#ifndef FLOORCOACH_SESSION_H
#define FLOORCOACH_SESSION_H

#include "command.h"
#include "prescription.h"
#include "routine.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SESSION_END_COMPLETED,
    SESSION_END_STOPPED,
    SESSION_END_INTERRUPTED,
    SESSION_END_ERROR,
    SESSION_END_NOT_CLEARED, /* clearance was asked for and not given: no exercise ran */
} session_end_reason;

/* Where a command came from. */
typedef enum { SESSION_SOURCE_VOICE, SESSION_SOURCE_KEY } session_source;

typedef enum {
    SESSION_ACT_EXERCISE, /* exercise, side */
    SESSION_ACT_SAY,      /* text; audio: post its length with session_said() */
    SESSION_ACT_HOLD,     /* seconds, n (rep), of; `at` is the hold's start */
    SESSION_ACT_COUNT,    /* n; text; audio */
    SESSION_ACT_REP,      /* n, of; text; audio */
    SESSION_ACT_WAIT,     /* text: what for ("next", "command", "clearance", "pain") */
    SESSION_ACT_WAITED,   /* a wait point is over; text: how ("next", "timeout") */
    SESSION_ACT_CLEARANCE, /* the user confirmed clearance; source: how */
    SESSION_ACT_CUT,      /* silence everything scheduled from `at` on */
    SESSION_ACT_PAIN,     /* exercise, side, n (rep), seconds (into the hold) */
    SESSION_ACT_PAUSE,    /* text: the word heard without certainty ("stop", "pain") */
    SESSION_ACT_RATING,   /* the pain's rating: n 1-10, 0 no answer; source; exercise */
    SESSION_ACT_END,      /* reason */
} session_action_kind;

typedef struct {
    session_action_kind kind;
    int64_t at;           /* session sample where it takes effect */
    const char *text;     /* valid until the next poll */
    bool cue;             /* audio: speak in the distinct cue style */
    bool last;            /* COUNT, REP: the last of its hold or set ("release") */
    bool position;        /* SAY: the exercise's position step */
    session_source source; /* CLEARANCE */
    int64_t max_samples;  /* audio: must end within this many samples (0: any) */
    int n, of, seconds;
    int exercise;         /* index into the routine, -1 outside exercises */
    const char *side;     /* "left", "right" or NULL */
    session_end_reason reason;
} session_action;

typedef struct {
    int sample_rate;       /* samples per second of the clock, 16000 */
    int gap_ms;            /* pause after each spoken line */
    int answer_timeout_s;  /* after pain: how long to wait for next/repeat/stop */
    const prescription_t *prescription; /* doses and choices; NULL: the routine's own */
    bool cleared;          /* clearance given beforehand (run --cleared): not asked */
    int64_t start_at;      /* the sample the session starts at: the clock of a stream
                              it joins (serve runs many sessions on one), 0 for its own */
} session_config;

/* Progress, for the status line and the closing summary. */
typedef struct {
    int exercise;          /* -1 before the first */
    const char *name;
    const char *side;
    int rep, of;           /* current hold or rep number */
    int hold_seconds;      /* 0 when not holding */
    int64_t hold_start;
    int exercises_done;
    int exercises_total;
    bool ended;
} session_progress;

typedef struct session session_t;

/* Any thread. */
session_config session_config_default(void);
const char *session_end_reason_name(session_end_reason r);

/* Returns 0 or a negative fc_err. The routine must outlive the session. */
int session_create(const routine_t *routine, const session_config *cfg, session_t **out);
/* Accepts NULL. */
void session_destroy(session_t *s);

/* A command heard or typed at sample t. It takes effect at t, or at the
 * earliest sample not yet handed out by session_poll if that is later. */
int session_post_command(session_t *s, fc_command cmd, int64_t t);
/* The same, from a key: the same effect, only the record differs. */
int session_post_key(session_t *s, fc_command cmd, int64_t t);
/* After pain the coach says its guidance, then asks "How strong is it,
 * from one to ten?" and waits a few seconds. rating (1-10) came at t, by
 * voice (a number that began at sample start) or a key. A spoken number
 * counts only once the question has been said (its own "one to ten" must
 * not answer it); a key also while the guidance is said. Taken: it is
 * said back ("Noted: 7 out of 10."), recorded (SESSION_ACT_RATING) and
 * named in the summary; then the usual question after pain. No answer in
 * time, stop, next or a lost device: SESSION_ACT_RATING with n 0, never a
 * guess. Anything else is ignored. Returns 0, FC_ERR_ARG (out of range) or
 * FC_ERR_FULL. */
int session_post_rating(session_t *s, int rating, session_source source, int64_t start,
                        int64_t t);
/* "stop" or "pain" heard at sample t, but not surely enough to act on. The
 * coach never ignores that: it cuts what it says, holds the count, says so
 * ("I paused...") and waits for next (go on: the current step again) or
 * stop; silence never resumes it, and after answer_timeout_s it ends the
 * session, as after pain. Other words, or one heard while the session
 * already waits or closes, change nothing. Returns 0 or FC_ERR_FULL. */
int session_post_unsure(session_t *s, fc_command word, int64_t t);
/* The microphone was lost at sample t (unplugged, stopped delivering): the
 * coach can no longer hear "stop", so nothing may go on. It cuts what it
 * says, holds the count, says so ("I can't hear you any more...") and
 * waits with no time limit; next is refused (a key too) until
 * session_post_hearing(). stop and pain keys still act. Returns 0 or
 * FC_ERR_FULL. */
int session_post_deaf(session_t *s, int64_t t);
/* The microphone is back at sample t: the coach says so and waits for next
 * (go on where it paused) or stop, as after a pause. */
int session_post_hearing(session_t *s, int64_t t);
/* The speaker was lost at sample t: the user can no longer hear the count,
 * so nothing may go on. As session_post_deaf, with its own line; next is
 * refused until session_post_unmute(). */
int session_post_mute(session_t *s, int64_t t);
/* The speaker is back at sample t: the coach says so and waits for next. */
int session_post_unmute(session_t *s, int64_t t);
/* Ctrl-C or a signal: end at once with reason interrupted. */
int session_post_interrupt(session_t *s, int64_t t);
/* The caller hit an error it cannot recover from (e.g. the device died). */
int session_post_error(session_t *s, int64_t t);
/* After each audio action (SAY, COUNT, REP): how many samples it lasts. */
int session_said(session_t *s, int64_t samples);

/* Returns 1 and the next action due before sample `until`, 0 when nothing
 * more is due before it, or FC_ERR_STATE when an audio action still awaits
 * session_said(). Call until it returns 0, then move time on. */
int session_poll(session_t *s, int64_t until, session_action *out);

/* Every fixed line the session may say (narration, pain guidance, its own
 * prompts), so a real-time caller can synthesize them before they are due.
 * Lines made up during the session (the summary) are not listed. Index
 * 0..session_prompt_count()-1; the strings live as long as the session. */
size_t session_prompt_count(const session_t *s);
const char *session_prompt(const session_t *s, size_t i);

session_progress session_get_progress(const session_t *s);

/* The doses and choices the session runs: cfg.prescription, or the
 * routine's own when none was given. Lives as long as the session. */
const prescription_t *session_prescription(const session_t *s);

#endif
