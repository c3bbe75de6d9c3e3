/* setup: finds what a command needs before it starts: a routine or a voice
 * profile by name (in the data folder, see datapath.h), the recogniser's
 * data, and the user's calibration file. Every failure says which file it
 * looked for and what to do. */
#ifndef FLOORCOACH_SETUP_H
#define FLOORCOACH_SETUP_H

#include "fc_error.h"
#include "hearing.h"
#include "routine.h"
#include "voice.h"

#include <stdbool.h>
#include <stddef.h>

/* Any thread. name: a file, or a routine in the data folder's scripts/.
 * On failure report (may be NULL) holds every problem, as routine_load. */
int setup_routine(const char *name, routine_t **out, routine_report *report, fc_error *err);

/* Any thread. name: a file, or a profile in voices/; NULL: "default". */
int setup_voice(const char *name, voice_profile *out, fc_error *err);

/* Any thread. The data folder's grammars/ into dst. */
void setup_grammar_dir(char *dst, size_t cap);

/* Any thread. The recogniser's settings for run and listen: the defaults
 * (both detectors, fused), reading the grammar and the keyword models from
 * grammar_dir and the calibration (may be NULL) after it. The strings are
 * not copied. */
hearing_config setup_hearing(const char *grammar_dir, const char *calibration);

/* Any thread. Failing to start the recogniser (rc, why) as the user sees
 * it: the detail, then where the pieces come from. */
int setup_hearing_failed(int rc, const fc_error *why, const char *grammar_dir, fc_error *err);

/* Any thread. Where calibration is saved: $FLOORCOACH_CALIBRATION, else
 * $XDG_CONFIG_HOME/floorcoach/calibration.conf, else under ~/.config.
 * Returns 0, or FC_ERR_ARG when no home is known. */
int setup_calibration_path(char *dst, size_t cap);

/* Any thread. The calibration for run and listen: `given` (--calibration),
 * or the saved one if there is one (and use_saved), or none. A file that is
 * there but broken is an error: silently running untuned would surprise the
 * user who calibrated. Returns 0 with *out set (NULL: none; else buf). */
int setup_calibration(const char *given, bool use_saved, char *buf, size_t cap,
                      const char **out, fc_error *err);

#endif
