/* audio: one interface over every way sound gets in and out.
 *
 * Backends (internal/audio_backend.h, one table): WAV files (libsndfile,
 * any rate, resampled) and PortAudio devices (opened at their own rate,
 * resampled to the session clock outside the real-time callback). Each
 * direction is a file, a device or nothing. The engine exchanges equal
 * blocks of output and input, and the number of samples exchanged *is* the
 * session clock: with files nothing waits and a session runs as fast as the
 * CPU allows; with a device the exchange waits for the device, so the
 * device's crystal paces the session. */
#ifndef FLOORCOACH_AUDIO_H
#define FLOORCOACH_AUDIO_H

#include "fc_clock.h"
#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    AUDIO_NONE = 0, /* output discarded; input silence */
    AUDIO_FILE,     /* a WAV file */
    AUDIO_DEVICE,   /* a PortAudio device */
} audio_kind;

/* The most capture channels read (mic-array HATs have 2 to 8). */
#define AUDIO_CHANNELS_MAX 8

typedef struct {
    audio_kind kind;
    const char *name; /* AUDIO_FILE: the path; AUDIO_DEVICE: name (substring) or
                         index, NULL for the default device */
    /* Input with several channels: 0 mixes them all into one, 1 to
     * AUDIO_CHANNELS_MAX takes that channel alone (a HAT's best
     * microphone). */
    int channel;
} audio_endpoint;

/* Something that changes the microphone signal in lock-step with the
 * output, such as the simulated room (sim/room.h). Applied only to a
 * microphone that is not a device: a file, or silence. */
typedef struct {
    /* played[0..n) is what the speaker plays at the same samples as
     * mic[0..n); mic is changed in place. Engine thread. */
    void (*apply)(void *ctx, const int16_t *played, int16_t *mic, size_t n);
    void *ctx;
    bool echo; /* the microphone then hears the speaker */
} audio_mic_filter;

/* A device fault injected for tests and benches: from session sample
 * `at`, for `len` samples, the device is gone, as when it is unplugged, and
 * it cannot be reopened. A microphone's capture is thrown away; a speaker
 * plays silence, and is lost at once. len 0: none. */
typedef struct {
    int64_t at, len;
} audio_fault;

typedef struct {
    audio_endpoint out;
    audio_endpoint in;
    int lead_ms;             /* device output queued ahead of the speaker */
    audio_mic_filter filter; /* apply NULL: none */
    audio_fault lose_input;  /* tests: see audio_fault */
    audio_fault lose_output;
    /* Tests: at the first block from session sample `at`, the speaker runs
     * dry for `len` samples, as when the engine is late and the device
     * underruns: it plays that much silence it was not given, and all that
     * follows is heard len samples later. Only the room (the filter) hears
     * the gap; the output file keeps every sample at its session time. */
    audio_fault speaker_gap;
} audio_config;

/* A microphone that delivers nothing for this long while the output plays
 * is lost (unplugged, a USB reset, taken by another program). */
#define AUDIO_INPUT_LOST_AFTER FC_MS(500)

typedef struct audio audio_t;

/* Any thread. Reads a channel as the user gives it: "mix" (0) or 1 to
 * AUDIO_CHANNELS_MAX. Returns 0, or FC_ERR_ARG for anything else. */
int audio_parse_channel(const char *text, int *channel);

/* Any thread. Output and input AUDIO_NONE, 60 ms lead, no filter. */
audio_config audio_config_default(void);

/* Any thread. Shorthands for the config's endpoints. */
audio_endpoint audio_file(const char *path);
audio_endpoint audio_device(const char *name);

/* Engine thread. Returns 0 or a negative fc_err, with a line for the user
 * (naming the file or device, and what to do) in err. */
int audio_open(const audio_config *cfg, audio_t **out, fc_error *err);

/* Engine thread. Accepts NULL. Drains device output first. */
void audio_close(audio_t *a);

/* Engine thread. Plays out[0..n) and captures into in[0..cap), setting *got.
 * A file or silent microphone gives exactly n samples (lock-step); a device
 * gives what it has captured so far (0 to cap). */
int audio_exchange(audio_t *a, const int16_t *out, size_t n, int16_t *in, size_t cap,
                   size_t *got, fc_error *err);

/* Engine thread. Samples of silence the speaker has played since the last
 * call that it was never given: it ran dry (an underrun) because the
 * session fell behind. They came after everything exchanged before the last
 * audio_exchange() and before that exchange's block, so the echo of that
 * block and of all after it arrives this much later on the capture count;
 * the echo canceller's reference must be shifted to match (see
 * listener_speaker_gap). 0 for a file speaker. */
int64_t audio_take_output_gap(audio_t *a);

/* Engine thread. True when a device paces the session (real time). */
bool audio_is_realtime(const audio_t *a);

/* Engine thread. True when the microphone can hear the speaker: a device
 * pair, or a filter with echo. */
bool audio_has_echo(const audio_t *a);

/* Engine thread. True once the microphone is lost (AUDIO_INPUT_LOST_AFTER
 * without a sample). From then on audio_exchange() gives silence in its
 * place, one sample per output sample, so the capture count keeps pace with
 * the output, until audio_recover_input() brings it back. */
bool audio_input_lost(const audio_t *a);

/* Engine thread. Tries to open the lost microphone again (the same device
 * by the same name). Returns 0 when it is back, or FC_ERR_DEVICE with the
 * reason in err: try again later. */
int audio_recover_input(audio_t *a, fc_error *err);

/* Engine thread. True once the speaker is lost: a device that took no
 * samples for three seconds (unplugged, stalled), or a fault. From then on the
 * output is thrown away and the microphone (or, with none, the monotonic
 * clock) paces the exchange, until audio_recover_output(). */
bool audio_output_lost(const audio_t *a);

/* Engine thread. Tries to open the lost speaker again (the same device).
 * Returns 0 when it is back, or FC_ERR_DEVICE with the reason in err. */
int audio_recover_output(audio_t *a, fc_error *err);

/* Engine thread. True when the microphone file has been read to its end. */
bool audio_input_ended(const audio_t *a);

/* Any thread, no stream open. Lists devices to fp. Returns 0 or FC_ERR_DEVICE. */
int audio_list_devices(FILE *fp);

/* Counts since the device opened: what a loaded machine costs. */
typedef struct {
    uint64_t underruns;       /* the speaker ran dry: a gap in what it played */
    uint64_t overflows;       /* capture was dropped: a gap in what it heard */
    uint64_t driver_messages; /* ALSA's complaints, kept off the terminal */
    uint64_t gap_ms;          /* silence the speaker played in its underruns */
} audio_xruns;
/* Engine thread. All zero for files. */
void audio_get_xruns(const audio_t *a, audio_xruns *x);

/* Any thread. Reads a whole WAV file (any rate and channels) resampled to
 * FC_RATE mono, padded with silence to a multiple of `multiple` samples.
 * *pcm is the caller's to free. */
int audio_file_load(const char *path, size_t multiple, int16_t **pcm, size_t *n, fc_error *err);

/* Any thread. The length of an audio file, in seconds. */
int audio_file_seconds(const char *path, double *seconds, fc_error *err);

/* A WAV file read in pieces, FC_RATE mono (channel as audio_endpoint's),
 * for files too long to hold in memory (an hours-long noise loop). One
 * thread at a time. */
typedef struct audio_reader audio_reader_t;
int audio_reader_open(const char *path, int channel, audio_reader_t **out, fc_error *err);
/* Fills n samples; returns how many came from the file (the rest are
 * silence: the file has ended). */
size_t audio_reader_read(audio_reader_t *r, int16_t *pcm, size_t n);
/* Back to the first sample, for a loop. */
int audio_reader_rewind(audio_reader_t *r, fc_error *err);
/* NULL is fine. */
void audio_reader_destroy(audio_reader_t *r);

#endif
