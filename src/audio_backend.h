/* Internal: the two halves behind audio.h. Not for use outside src/audio*.c. */
#ifndef FLOORCOACH_AUDIO_BACKEND_H
#define FLOORCOACH_AUDIO_BACKEND_H

#include "audio.h"

typedef struct audio_file_out audio_file_out;
typedef struct audio_file_in audio_file_in;
typedef struct audio_pa audio_pa;

int audio_file_out_open(const char *path, audio_file_out **out, char *err, size_t errlen);
int audio_file_out_write(audio_file_out *f, const int16_t *pcm, size_t n, char *err,
                         size_t errlen);
void audio_file_out_close(audio_file_out *f);

int audio_file_in_open(const char *path, audio_file_in **out, char *err, size_t errlen);
/* Always fills n samples: silence once the file has ended. */
int audio_file_in_read(audio_file_in *f, int16_t *pcm, size_t n, char *err, size_t errlen);
bool audio_file_in_ended(const audio_file_in *f);
void audio_file_in_close(audio_file_in *f);

/* A PortAudio stream with optional capture and playback on one clock. */
int audio_pa_open(const char *out_device, bool want_out, const char *in_device, bool want_in,
                  int lead_ms, audio_pa **out, char *err, size_t errlen);
/* Writes out (NULL: the stream has no output), waiting for room; then hands
 * over up to cap captured samples without waiting. */
int audio_pa_exchange(audio_pa *p, const int16_t *out, size_t n, int16_t *in, size_t cap,
                      size_t *got, char *err, size_t errlen);
void audio_pa_close(audio_pa *p);

int audio_pa_list(FILE *fp);

#endif
