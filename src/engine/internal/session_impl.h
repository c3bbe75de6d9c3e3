/* session_impl: the session's state, shared by the engine's own files
 * (session.c: time, plan steps, polling; session_commands.c: what each
 * command does). Not for other stages: session.h is the interface. */
#ifndef FLOORCOACH_SESSION_IMPL_H
#define FLOORCOACH_SESSION_IMPL_H

#include "internal/plan.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>

/* MODE_HURT_WAIT: after "stop", a few seconds for a "pain" that explains it. */
/* MODE_RATE_WAIT: after pain's guidance, a few seconds for its rating. */
typedef enum {
    MODE_PLAN, MODE_INTERJECT, MODE_PAIN_WAIT, MODE_HURT_WAIT, MODE_RATE_WAIT, MODE_ENDED
} run_mode;
/* What follows an interjection's last line. */
typedef enum { AFTER_RESUME, AFTER_ASK, AFTER_RATE, AFTER_HURT, AFTER_END } after_t;

/* What a posted event says about the devices: nothing (a command), or the
 * microphone's or the speaker's change. */
enum { HEARING_SAME, HEARING_LOST, HEARING_BACK, SPEAKER_LOST, SPEAKER_BACK,
       HEARING_RATING /* a pain rating heard or typed */ };

#define MAX_LINES 12  /* lines of one interjection: an exercise's pain guidance and the question */
#define MAX_CMDS 32   /* commands posted and not yet polled */
#define MAX_ACTIONS 8 /* actions one event produces */

#define DEFAULT_GAP_MS 500
#define DEFAULT_ANSWER_TIMEOUT_S 120
/* A count other than a hold's last must be over before the next count, a
 * second later; a little short of it, so two counts never run together. */
#define COUNT_MAX_SECONDS 0.9
/* Likewise a repetition's count ends this long before the next one. */
#define REP_MARGIN_SECONDS 0.1
/* The last seconds of a hold are counted in the distinct cue style. */
#define CUE_SECONDS 3
/* After "stop", how long the coach listens for a "pain" that explains it. */
#define HURT_WAIT_S 5
/* How long the coach waits for a pain rating before taking none. */
#define RATE_WAIT_S 8
/* A wait point longer than this reminds the user, once, what to say. */
#define REMIND_AFTER_S 20

struct session {
    session_config cfg;
    const routine_t *routine;
    plan_t *plan;

    run_mode mode;
    int pc;
    int64_t next_at;   /* when the current item, or its next sub-event, is due */
    int started;       /* current item has begun (HOLD/REPS/WAIT/REST) */
    int sub;           /* HOLD: next count; REPS: next rep */
    int64_t t0;        /* HOLD/REPS: start; WAIT/REST/PAIN_WAIT: deadline */
    int64_t now;       /* everything before this has been handed out */
    int awaiting_said;
    int64_t audio_at;  /* start of the audio awaiting session_said() */
    int64_t audio_end; /* end of the latest audio scheduled */

    /* Lines said out of the plan (pain guidance, repeats, the summary). */
    const char *lines[MAX_LINES];
    int n_lines, line_idx;
    after_t after;
    int resume_pc;
    session_end_reason end_reason;

    bool paused;       /* the wait for a command follows a pause, not pain */
    int pause_rep, pause_seconds; /* where the pause cut in */
    bool own_rx;       /* prescription made here (the routine's defaults) */
    const prescription_t *rx;
    bool reminded;     /* the current wait point has reminded the user */
    /* Where "stop" cut in, for a "pain" said after it (MODE_HURT_WAIT). */
    int stop_exercise, stop_rep, stop_seconds;
    const char *stop_side;
    bool deaf;         /* the microphone is lost: nothing may go on until it is back */
    bool mute;         /* the speaker is lost: the same */
    /* hearing: HEARING_SAME for a command, else a device's change. */
    struct {
        fc_command cmd;
        bool unsure;
        session_source source;
        int hearing;
        int number;    /* HEARING_RATING: 1-10 */
        int64_t start; /* HEARING_RATING: where the spoken number began */
        int64_t t;
    } cmds[MAX_CMDS];
    int n_cmds;
    session_action actions[MAX_ACTIONS];
    int act_head, act_n;

    int cur_exercise;
    const char *cur_side;
    int *done;         /* per exercise: finished (1), or not (yet, or left after pain) */
    int *pained;
    int *rated;        /* per exercise (and one outside any): the pain's rating, 0: none */
    /* The pain awaiting its rating (rating_due), its exercise (-1: none),
     * and the first sample an answer may start at (after the question). */
    bool rating_due;
    bool rate_closes;  /* the pain came after "stop": its rating, then the closing */
    int rate_exercise;
    int64_t rate_from;
    int hold_rep, hold_of, hold_seconds;
    char text[PLAN_COUNT_MAX];
    char summary[PLAN_SUMMARY_MAX];
};

/* Helpers of session.c that the commands use; engine thread, like all of
 * the session. */
const plan_item *ses_current(const session_t *s);
session_action *ses_push(session_t *s, session_action_kind kind, int64_t at);
/* Silences everything scheduled from `at` on. */
void ses_cut(session_t *s, int64_t at);
/* Goes to plan item pc, due at `at`. */
void ses_enter(session_t *s, int pc, int64_t at);
/* Says the lines in s->lines from `at` on, then does `after`. */
void ses_interject(session_t *s, int64_t at, after_t after);
void ses_add_line(session_t *s, const char *line);
/* Ends the session at `at`: with the closing lines when speak, else at once. */
void ses_finish(session_t *s, int64_t at, session_end_reason reason, int speak);

/* A command (or, with unsure, a safety word heard without certainty) that
 * takes effect at `at`. */
void ses_handle_command(session_t *s, fc_command cmd, bool unsure, session_source source,
                        int64_t at);
/* A pain rating (1-10, by source) that takes effect at `at`; a spoken one
 * began at `start`. */
void ses_handle_rating(session_t *s, int rating, session_source source, int64_t start,
                       int64_t at);
/* Records the awaited pain's rating (0: no answer) at `at`, once. */
void ses_rated(session_t *s, int rating, session_source source, int64_t at);
/* After pain and its rating: first (may be NULL) then what to do now
 * (next, repeat or stop), and the wait for it. */
void ses_ask_after_pain(session_t *s, int64_t at, const char *first);
/* The microphone or the speaker is lost: nothing may go on. */
static inline bool ses_device_lost(const session_t *s) { return s->deaf || s->mute; }
/* A device was lost or is back at `at` (HEARING_LOST ... SPEAKER_BACK). */
void ses_handle_device(session_t *s, int change, int64_t at);
/* Closes the session with `first` and the summary, from `at`. */
void ses_closing(session_t *s, int64_t at, session_end_reason reason, plan_line first);

#endif
