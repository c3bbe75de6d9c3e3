/* voice: voice profiles (voices/NAME.yaml): which eSpeak NG voice speaks,
 * how fast, how high and how loud. */
#ifndef FLOORCOACH_VOICE_H
#define FLOORCOACH_VOICE_H

#include "fc_error.h"

typedef struct {
    char name[64];          /* profile name, from the file name */
    char espeak_voice[64];  /* eSpeak NG voice, e.g. "en-us" */
    int rate;               /* words per minute, 80-450 */
    int pitch;              /* 0-100 */
    int volume;             /* 0-200, 100 is normal */
    int cue_pitch;          /* pitch of the last counts and "release": a distinct cue */
} voice_profile;

/* Any thread. The built-in default, used when no profile is named. */
voice_profile voice_profile_default(void);

/* Any thread. Loads a profile from path. On failure returns FC_ERR_IO or
 * FC_ERR_FORMAT and writes "file:line:col: message" into err. */
int voice_load(const char *path, voice_profile *out, fc_error *err);

#endif
