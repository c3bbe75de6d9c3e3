/* serve: the always-on coach of a smart speaker. It listens all day, idle,
 * for a start phrase ("start my exercises"); on hearing one it answers,
 * runs that phrase's routine with its prescription exactly as `run` does
 * (the full listening and pain protocol), and goes back to idle. Idle,
 * nothing but a start phrase does anything. Everything runs on one session
 * clock and one event log: with files it runs as fast as the CPU allows
 * and ends once the microphone file has ended and it is idle. */
#ifndef FLOORCOACH_SERVE_H
#define FLOORCOACH_SERVE_H

#include "coach.h"
#include "fc_error.h"
#include "prescription.h"
#include "routine.h"

#include <stdbool.h>

#define SERVE_STARTS_MAX 16 /* start phrases, each with its routine */
#define SERVE_ANSWER_MAX 256

typedef struct {
    const char *phrase;                 /* what the user says: "start my exercises" */
    const routine_t *routine;
    const prescription_t *prescription; /* NULL: the routine's own doses */
    const char *answer;                 /* NULL: "Starting: TITLE." */
} serve_start;

typedef struct {
    /* The devices or files, voice, event log, recogniser data, calibration,
     * keys and signal flag, as for run; its routine fields are unused. */
    coach_config coach;
    serve_start starts[SERVE_STARTS_MAX];
    int n_starts;
    bool cleared; /* clearance given beforehand, for every routine */
    /* Told once serve is ready (idle and listening), for systemd's READY;
     * may be NULL. (The watchdog is coach.alive.) */
    void (*ready)(void *ctx);
    void *ready_ctx;
} serve_config;

/* Any thread. */
serve_config serve_config_default(void);

/* Engine thread (the caller's). Serves until interrupted or, with a
 * microphone file, until it has ended and serve is idle. *sessions: how
 * many ran. Returns 0, or a negative fc_err with one line for the user. */
int serve_run(const serve_config *cfg, int *sessions, fc_error *err);

#endif
