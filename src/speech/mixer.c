#include "mixer.h"

#include "fc_error.h"

#include <stdlib.h>
#include <string.h>

/* 5 ms at 16 kHz: long enough to avoid a click, short enough to count as
 * "at once" when the user says stop. */
#define FADE_SAMPLES 80

typedef struct {
    const int16_t *pcm;
    int64_t start;
    int64_t end;       /* may be cut short of start + length */
    int64_t fade_from; /* INT64_MAX unless a cut fades this clip out */
    bool owned;
} clip;

struct mixer {
    clip *clips;
    size_t n, cap;
};

int mixer_create(mixer_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? FC_OK : FC_ERR_NOMEM;
}

static void clip_release(clip *c)
{
    if (c->owned)
        free((void *)c->pcm);
}

void mixer_destroy(mixer_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        clip_release(&m->clips[i]);
    free(m->clips);
    free(m);
}

int mixer_add(mixer_t *m, int64_t at, const int16_t *pcm, size_t n, bool owned)
{
    clip c = {pcm, at, at + (int64_t)n, INT64_MAX, owned};
    if (n == 0) {
        clip_release(&c);
        return FC_OK;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        clip *grown = realloc(m->clips, cap * sizeof *grown);
        if (!grown) {
            clip_release(&c);
            return FC_ERR_NOMEM;
        }
        m->clips = grown;
        m->cap = cap;
    }
    m->clips[m->n++] = c;
    return FC_OK;
}

void mixer_cut(mixer_t *m, int64_t at)
{
    size_t keep = 0;
    for (size_t i = 0; i < m->n; i++) {
        clip c = m->clips[i];
        if (c.start >= at) {
            clip_release(&c); /* not started yet: drop */
            continue;
        }
        if (c.end > at + FADE_SAMPLES) {
            c.end = at + FADE_SAMPLES;
            c.fade_from = at;
        }
        m->clips[keep++] = c;
    }
    m->n = keep;
}

void mixer_render(mixer_t *m, int64_t at, int16_t *out, size_t n)
{
    int64_t end = at + (int64_t)n;
    int32_t acc[512];
    for (size_t base = 0; base < n; base += 512) {
        size_t len = n - base < 512 ? n - base : 512;
        int64_t b0 = at + (int64_t)base, b1 = b0 + (int64_t)len;
        memset(acc, 0, len * sizeof acc[0]);
        for (size_t i = 0; i < m->n; i++) {
            const clip *c = &m->clips[i];
            int64_t from = c->start > b0 ? c->start : b0;
            int64_t to = c->end < b1 ? c->end : b1;
            for (int64_t t = from; t < to; t++) {
                int32_t v = c->pcm[t - c->start];
                if (t >= c->fade_from)
                    v = v * (int32_t)(c->end - t) / FADE_SAMPLES;
                acc[t - b0] += v;
            }
        }
        for (size_t i = 0; i < len; i++)
            out[base + i] = (int16_t)(acc[i] > 32767 ? 32767 : acc[i] < -32768 ? -32768 : acc[i]);
    }
    size_t keep = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (m->clips[i].end > end)
            m->clips[keep++] = m->clips[i];
        else
            clip_release(&m->clips[i]);
    }
    m->n = keep;
}

int64_t mixer_end(const mixer_t *m)
{
    int64_t end = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->clips[i].end > end)
            end = m->clips[i].end;
    return end;
}
