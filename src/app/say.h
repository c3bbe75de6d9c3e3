/* say: speaks one line with a voice profile (floorcoach say), to a device
 * or a WAV file, on the runner's exchange loop. */
#ifndef FLOORCOACH_SAY_H
#define FLOORCOACH_SAY_H

#include "audio.h"
#include "fc_error.h"
#include "voice.h"

/* Engine thread. Returns 0 or a negative fc_err with one line for the user. */
int app_say(const voice_profile *voice, const audio_config *audio, const char *text,
            fc_error *err);

#endif
