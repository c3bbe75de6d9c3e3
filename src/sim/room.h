/* room: a simulated room for file mode. The microphone hears the user (the
 * --mic file), plus the coach's own output as an echo (a gain, a delay and,
 * optionally, light reverberation), plus household noise at a chosen SNR.
 * This is how echo cancelling and self-trigger protection are tested without
 * a speaker or a microphone. A room handle belongs to the engine thread. */
#ifndef FLOORCOACH_ROOM_H
#define FLOORCOACH_ROOM_H

#include "audio.h"
#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Noise SNRs are relative to speech at this RMS level (-26 dBFS), the usual
 * active speech level of a close, normal voice. */
#define ROOM_SPEECH_RMS 1642.0

typedef struct {
    bool echo;
    double echo_gain_db;   /* echo level relative to the output, e.g. 0 or +6 */
    int echo_delay_ms;     /* 0-500 */
    bool reverb;           /* add a few decaying reflections after the echo */
    char noise_file[1024]; /* WAV, any rate, looped; empty: no noise */
    double noise_snr_db;   /* speech (ROOM_SPEECH_RMS) to noise RMS */
} room_config;

typedef struct room room_t;

/* Any thread. No echo, no noise; 20 ms and 10 dB when they are asked for. */
room_config room_config_default(void);
/* Any thread. Parses "GAIN_DB[@DELAY_MS]" into cfg. Returns 0 or FC_ERR_ARG. */
int room_parse_echo(const char *spec, room_config *cfg);
/* Any thread. Parses "FILE[@SNR_DB]" into cfg (the name is copied into it). */
int room_parse_noise(const char *spec, room_config *cfg);

/* Engine thread. Returns 0 or a negative fc_err with a line for the user
 * (naming the noise file) in err. */
int room_create(const room_config *cfg, room_t **out, fc_error *err);

/* Engine thread. Accepts NULL. */
void room_destroy(room_t *r);

/* Engine thread. The room as a microphone filter for audio_config. The
 * room must outlive the audio handle it is given to. */
audio_mic_filter room_filter(room_t *r);

#endif
