/* calibrate_session: the spoken calibration (floorcoach calibrate). It asks
 * for the takes aloud and records them, on the same audio backends as a
 * session (devices, or WAV files for tests) and on the sample clock, then
 * tunes the biases with calib_tune() (recog/calibrate.h), says the result
 * and saves it.  Its schedule is a pure function of the prompts' lengths
 * (calib_timeline), so a test can place words in a microphone file where
 * the user would say them. */
#ifndef FLOORCOACH_CALIBRATE_SESSION_H
#define FLOORCOACH_CALIBRATE_SESSION_H

#include "audio.h"
#include "calibrate.h"
#include "fc_error.h"
#include "tts.h"
#include "voice.h"

#include <signal.h>
#include <stdint.h>

#define CALIB_MAX_SLOTS 64
/* Room for the longest prompt; a longer one is refused (FC_ERR_FULL), never cut. */
#define CALIB_TEXT_MAX 160

typedef enum { CALIB_SAY, CALIB_ROOM, CALIB_TAKE } calib_slot_kind;

typedef struct {
    calib_slot_kind kind;
    fc_command word;        /* CALIB_TAKE: the command asked for, or NONE for another word */
    const char *label;    /* CALIB_TAKE: the word asked for; static */
    char text[CALIB_TEXT_MAX]; /* what the coach says */
    int64_t say_at;       /* the prompt's first sample */
    int64_t listen_at;    /* the recording window, [listen_at, listen_end) */
    int64_t listen_end;   /* (equal to listen_at when nothing is recorded) */
} calib_slot;

typedef struct {
    voice_profile voice;
    audio_config audio;
    int repeats;              /* takes of each command (default 3) */
    const char *grammar_dir;  /* recogniser data */
    const char *events_path;  /* JSON Lines log; NULL: none; "-": stdout */
    const char *save_path;    /* the user's calibration file; NULL: do not save */
    bool save_make_folder;    /* the default place: create its folder (calib_save) */
    double max_bias;          /* default 20 nats: see grammars/README.md */
    /* Set by a signal handler (NULL: none): calibration stops within a
     * frame, saves nothing and returns FC_ERR_INTERRUPTED. */
    const volatile sig_atomic_t *interrupted;
} calib_config;

/* Any thread. */
calib_config calib_config_default(void);

/* Engine thread (tts is single-threaded). Fills slots with the session's
 * schedule: the prompts, the quiet moment that records the room, and one
 * recording window per take.  Returns the number of slots, or a negative
 * fc_err. */
int calib_timeline(const calib_config *cfg, tts_t *tts, calib_slot *slots, int max);

/* Engine thread. Runs the whole calibration: prompts, recording, tuning,
 * the spoken result and (with save_path) the saved file.  Returns 0 with
 * *out filled, or a negative fc_err with one line for the user in err. */
int calib_run(const calib_config *cfg, calib_result *out, fc_error *err);

#endif
