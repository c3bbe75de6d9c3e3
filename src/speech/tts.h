/* tts: speech synthesis with eSpeak NG, the only file that includes its
 * headers. Renders text to 16 kHz mono PCM with the leading and trailing
 * silence trimmed, so a clip's first sample is the onset of speech: that is
 * what lets a count land on its exact sample. Counts and cues are cached for
 * the life of the handle, so they cost nothing after their first use, are
 * never late, and playback can point into the cache without copying.
 *
 * eSpeak NG keeps global state, so at most one tts handle may exist per
 * process, and it must be used from one thread (the engine thread). */
#ifndef FLOORCOACH_TTS_H
#define FLOORCOACH_TTS_H

#include "fc_error.h"
#include "voice.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    TTS_STYLE_NARRATION, /* the profile's own pitch */
    TTS_STYLE_CUE,       /* raised pitch and a short tone under its onset: the last counts */
    TTS_STYLE_RELEASE,   /* raised pitch and a rising two-note chime: "release" */
} tts_style;

typedef struct {
    const int16_t *pcm; /* owned by the tts handle, valid until destroy */
    size_t n;
    bool sped;          /* it only fit max_samples faster than the count rate */
} tts_clip;

typedef struct tts tts_t;

/* Engine thread. Returns 0, FC_ERR_MODEL when eSpeak NG's data or the
 * profile's voice is missing, or FC_ERR_NOMEM, with the detail in err. */
int tts_create(const voice_profile *voice, tts_t **out, fc_error *err);
/* Engine thread. Accepts NULL. */
void tts_destroy(tts_t *tts);

/* Engine thread. While *flag is non-zero (a signal handler's flag; NULL:
 * none) synthesis stops within one eSpeak NG buffer and returns
 * FC_ERR_INTERRUPTED, so Ctrl-C is not held up by a long line. */
void tts_set_interrupt(tts_t *tts, const volatile sig_atomic_t *flag);

/* Engine thread. Renders text into a new buffer that the caller frees: for
 * narration, which is mostly said once and would fill memory if cached. */
int tts_render(tts_t *tts, const char *text, tts_style style, int16_t **pcm, size_t *n);

/* Engine thread. Returns the clip for text, rendering it on first use. When
 * max_samples is non-zero (a count), it is spoken at the profile's count
 * rate (voice_count_rate), the same for every count; if it would still be
 * longer, it is rendered faster until it fits (counts must end before the
 * next second's mark) and the clip says so (sped). */
int tts_get(tts_t *tts, const char *text, tts_style style, size_t max_samples, tts_clip *out);

#endif
