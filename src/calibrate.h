/* calibrate: tunes the recogniser to one user's voice and room.
 *
 * The user says each command a few times, and a few ordinary words that
 * sound like commands ("top", "neck"...).  calib_tune() then sets one bias
 * per command (asr_set_bias) so that as many of their commands as possible
 * are heard while none of their other words is taken for a command, and
 * reports the score before (the shipped tuning) and after.  The result is a
 * few `bias.WORD = NATS` lines in the user's calibration file, which the
 * recogniser reads after grammars/asr.conf.
 *
 * calib_run() is the interactive part: it asks for the takes aloud and
 * records them, on the same audio backends as a session (devices, or WAV
 * files for tests), on the sample clock.  Its schedule is a pure function
 * of the prompts' lengths (calib_timeline), so a test can place words in a
 * microphone file where the user would say them. */
#ifndef FLOORCOACH_CALIBRATE_H
#define FLOORCOACH_CALIBRATE_H

#include "asr.h"
#include "audio.h"
#include "tts.h"
#include "voice.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CALIB_MAX_SLOTS 64

typedef struct {
    asr_word word;       /* ASR_WORD_NONE: a word that must not be taken for a command */
    const char *text;    /* what the user was asked to say */
    const int16_t *pcm;  /* the recording, 16 kHz mono */
    size_t n;
} calib_take;

typedef struct {
    int commands;  /* command takes */
    int heard;     /* ... heard as that command */
    int wrong;     /* ... heard as another command */
    int others;    /* takes of other words */
    int taken;     /* ... taken for a command */
} calib_score;

typedef struct {
    double bias[ASR_WORD_STOP + 1]; /* by asr_word; [0] unused */
    calib_score before, after;
    int used, silent;               /* takes tuned on; takes with no speech in them */
} calib_result;

/* Any thread. Returns 0, or a negative fc_err.  Scores the takes with the
 * recogniser's current biases, then searches each command's bias in
 * [0, max_bias] (or below 0 when the user's other words are taken for it)
 * and leaves the best set on asr.  `room` is the room's own sound, used as
 * the background before and after each take so the VAD sees the room the
 * takes were made in. */
int calib_tune(asr_t *asr, const calib_take *takes, int n, const int16_t *room, size_t room_n,
               double max_bias, calib_result *out);

/* Any thread. Writes the result as the user's calibration file (asr.conf
 * syntax, with the figures as comments), atomically, creating its folder.
 * Returns 0 or FC_ERR_IO with one line in err. */
int calib_save(const char *path, const calib_result *r, char *err, size_t errlen);

/* ---- the interactive part ---- */

typedef enum { CALIB_SAY, CALIB_ROOM, CALIB_TAKE } calib_slot_kind;

typedef struct {
    calib_slot_kind kind;
    asr_word word;        /* CALIB_TAKE: the command asked for, or NONE for another word */
    const char *label;    /* CALIB_TAKE: the word asked for; static */
    char text[96];        /* what the coach says */
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
    double max_bias;          /* default 20 nats: see grammars/README.md */
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
int calib_run(const calib_config *cfg, calib_result *out, char *err, size_t errlen);

#endif
