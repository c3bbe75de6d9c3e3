/* mixer: the playback timeline. Clips are placed at exact sample positions
 * and mixed into output blocks on demand, so a count starts on its mark
 * whatever the block size, and a cut silences everything not yet rendered.
 * A clip either points into the tts cache (borrowed) or is handed over and
 * freed by the mixer once played or cut (owned), so narration never piles
 * up in memory. */
#ifndef FLOORCOACH_MIXER_H
#define FLOORCOACH_MIXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mixer mixer_t;

/* Engine thread, for all functions here. Returns 0 or a negative fc_err. */
int mixer_create(mixer_t **out);
/* Accepts NULL. */
void mixer_destroy(mixer_t *m);

/* Schedules pcm[0..n) to start at sample `at`. With owned, the mixer frees
 * pcm when done with it, also when this call fails. */
int mixer_add(mixer_t *m, int64_t at, const int16_t *pcm, size_t n, bool owned);
/* Silences all audio from sample `at` on, with a short fade so the cut does
 * not click. */
void mixer_cut(mixer_t *m, int64_t at);
/* Mixes samples [at, at + n) into out, and forgets clips that have ended. */
void mixer_render(mixer_t *m, int64_t at, int16_t *out, size_t n);
/* One past the last scheduled sample (or 0 when nothing is scheduled). */
int64_t mixer_end(const mixer_t *m);

#endif
