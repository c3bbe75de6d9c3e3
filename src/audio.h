/* audio: one interface over every way sound gets in and out.
 *
 * Backends: WAV files (libsndfile, any rate, resampled), PortAudio devices
 * (opened at their own rate, resampled to the 16 kHz clock outside the
 * real-time callback), or nothing. The engine exchanges equal blocks of
 * output and input, and the number of samples exchanged *is* the session
 * clock: with files nothing waits and a session runs as fast as the CPU
 * allows; with a device the exchange waits for the device, so the device's
 * crystal paces the session. */
#ifndef FLOORCOACH_AUDIO_H
#define FLOORCOACH_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "room.h"

#define AUDIO_RATE 16000

typedef struct {
    const char *out_file;   /* WAV file to write; NULL: use a device */
    const char *out_device; /* device name (substring) or index; NULL: default */
    bool no_output;         /* discard output (listen-only) */
    const char *in_file;    /* WAV file to read as the microphone */
    const char *in_device;  /* device name (substring) or index; NULL: default */
    bool want_input;        /* open a capture device when in_file is NULL */
    int lead_ms;            /* device output queued ahead of the speaker */
    const room_config *room;/* simulated echo and noise on a non-device mic; NULL: none */
} audio_config;

typedef struct audio audio_t;

/* Any thread. */
audio_config audio_config_default(void);

/* Engine thread. Returns 0 or a negative fc_err, with one line for the user
 * in err naming the file or device and what to do. */
int audio_open(const audio_config *cfg, audio_t **out, char *err, size_t errlen);
/* Engine thread. Accepts NULL. Drains device output first. */
void audio_close(audio_t *a);

/* Engine thread. Plays out[0..n) and captures into in[0..cap), setting *got.
 *
 * With a microphone file (or none: silence), exactly n samples are captured
 * in lock-step, so the microphone's sample i is heard while output sample i
 * plays: file sessions stay deterministic. A capture device delivers in its
 * own bursts, so *got is whatever has arrived (0 to cap); the captured
 * samples are numbered from the stream's start, like the output, and a
 * sample's echo appears in the capture a roughly constant latency later.
 * Blocks only on the output device. Returns 0 or FC_ERR_DEVICE / FC_ERR_IO,
 * with detail in err. */
int audio_exchange(audio_t *a, const int16_t *out, size_t n, int16_t *in, size_t cap,
                   size_t *got, char *err, size_t errlen);

/* True when a device paces the session (real time). */
bool audio_is_realtime(const audio_t *a);
/* True when the microphone can hear the speaker: a real device pair, or a
 * simulated room with echo. The recogniser then needs echo cancelling. */
bool audio_has_echo(const audio_t *a);

/* True when the microphone file has been read to its end. */
bool audio_input_ended(const audio_t *a);

/* Any thread, no stream open. Lists devices to fp. Returns 0 or FC_ERR_DEVICE. */
int audio_list_devices(FILE *fp);

#endif
