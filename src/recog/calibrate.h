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
 * The spoken part that records the takes is app/calibrate_session.h. */
#ifndef FLOORCOACH_CALIBRATE_H
#define FLOORCOACH_CALIBRATE_H

#include "asr.h"
#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    fc_command word;       /* FC_CMD_NONE: a word that must not be taken for a command */
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
    double bias[FC_CMD_COUNT]; /* by fc_command; [0] unused */
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
 * syntax, with the figures as comments), atomically and mode 0600, creating
 * its folder only when make_folder (the default place, not a path the user
 * typed). It replaces only a regular file: a symlink, a device or a folder
 * at path is refused. Returns 0 or FC_ERR_IO with one line in err. */
int calib_save(const char *path, bool make_folder, const calib_result *r, fc_error *err);
/* Any thread. What calib_save would refuse, found before the user spends
 * two minutes calibrating: the target's kind, and its folder. */
int calib_save_check(const char *path, bool make_folder, fc_error *err);

#endif
