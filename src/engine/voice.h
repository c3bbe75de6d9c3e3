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
    int volume;             /* 0-VOICE_VOLUME_MAX, 100 is normal */
    int cue_pitch;          /* pitch of the last counts and "release": a distinct cue */
    int count_rate;         /* words per minute of counts; 0: rate, but at least
                               VOICE_COUNT_RATE_MIN, so that every count of a hold
                               fits its second at one steady pace */
} voice_profile;

/* The loudest a profile (or serve's volume setting) may ask for. */
#define VOICE_VOLUME_MAX 200

/* The slowest pace at which "twenty-seven" still fits in the 0.9 s a count
 * has before the next mark (eSpeak NG's en-us: 0.85 s). */
#define VOICE_COUNT_RATE_MIN 175

/* Any thread. The built-in default, used when no profile is named. */
voice_profile voice_profile_default(void);

/* Any thread. Loads a profile from path. On failure returns FC_ERR_IO or
 * FC_ERR_FORMAT and writes "file:line:col: message" into err. */
int voice_load(const char *path, voice_profile *out, fc_error *err);

/* Any thread. The pace counts are spoken at (count_rate, or its default). */
int voice_count_rate(const voice_profile *v);

#endif
