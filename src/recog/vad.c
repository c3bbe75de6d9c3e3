/* vad: the adaptive energy voice detector (see internal/vad.h). */
#include "internal/vad.h"

#include "energy.h"
#include "fc_error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* dB per second of rise the shipped floor allows, before asr.conf. */
#define DEFAULT_FLOOR_RISE_DB_PER_S 3.0

struct vad {
    vad_config cfg;

    double floor_db;
    bool floor_set;
    float hist[VAD_MAX_FLOOR_WINDOW_FRAMES]; /* recent frame energies, dB */
    int hist_head, hist_n;
    int above, below; /* loud frames in a row outside a segment; quiet ones inside */

    int16_t ring[VAD_MAX_PREROLL_FRAMES][FC_FRAME]; /* recent non-speech frames, fed at segment start */
    int ring_head, ring_n;

    bool in_seg;
    int64_t seg_start;  /* session sample of the segment's first frame */
    int seg_frames;
    int seg_voiced;     /* frames above the start threshold: tells a click from a word */
    double seg_peak_db; /* loudest frame so far */
    bool overlong;      /* segment outgrew max_seg_frames: no lone command */
    int16_t *seg_buf;   /* the segment's audio, handed over when it closes */
};

vad_config vad_config_default(void)
{
    vad_config c;
    c.on_db = 9.0;
    c.off_db = 6.0;
    c.off_peak_db = 0.0;
    c.floor_min_db = 20.0;
    c.floor_rise_db = DEFAULT_FLOOR_RISE_DB_PER_S / FC_FRAMES_PER_SECOND;
    c.floor_fall = 0.2;
    c.start_frames = 3;
    c.hangover_frames = 15;
    c.preroll_frames = 25;
    c.min_seg_frames = 15;
    c.max_seg_frames = 300;
    c.floor_win = 0;
    return c;
}

int vad_create(const vad_config *cfg, vad_t **out)
{
    if (cfg == NULL || out == NULL || cfg->preroll_frames < 0 ||
        cfg->preroll_frames > VAD_MAX_PREROLL_FRAMES || cfg->floor_win < 0 ||
        cfg->floor_win > VAD_MAX_FLOOR_WINDOW_FRAMES || cfg->max_seg_frames < 1)
        return FC_ERR_ARG;
    *out = NULL;
    vad_t *v = calloc(1, sizeof *v);
    if (v == NULL)
        return FC_ERR_NOMEM;
    v->cfg = *cfg;
    /* The segment is checked against max_seg_frames only after a frame is
     * fed, and its opening frame comes with up to a full pre-roll. */
    v->seg_buf = malloc((size_t)(cfg->max_seg_frames + VAD_MAX_PREROLL_FRAMES) * FC_FRAME *
                        sizeof *v->seg_buf);
    if (v->seg_buf == NULL) {
        vad_destroy(v);
        return FC_ERR_NOMEM;
    }
    *out = v;
    return FC_OK;
}

void vad_destroy(vad_t *v)
{
    if (v == NULL)
        return;
    free(v->seg_buf);
    free(v);
}

void vad_reset(vad_t *v)
{
    if (v == NULL)
        return;
    v->floor_set = false;
    v->floor_db = 0.0;
    v->hist_head = v->hist_n = 0;
    v->above = v->below = 0;
    v->ring_head = v->ring_n = 0;
    v->in_seg = false;
}

static void vad_begin(vad_t *v, int64_t first_sample)
{
    v->in_seg = true;
    v->seg_start = first_sample;
    v->seg_frames = 0;
    v->seg_voiced = 0;
    v->seg_peak_db = 0.0;
    v->overlong = false;
    v->below = 0;
}

static void vad_feed(vad_t *v, const int16_t *x)
{
    if (v->overlong)
        return;
    memcpy(v->seg_buf + (size_t)v->seg_frames * FC_FRAME, x, FC_FRAME * sizeof *x);
    v->seg_frames++;
}

static void vad_close(vad_t *v, int64_t now, vad_segment *seg)
{
    v->in_seg = false;
    seg->kind = v->overlong                                ? VAD_SEG_OVERLONG
                : v->seg_voiced < v->cfg.min_seg_frames ? VAD_SEG_CLICK
                                                          : VAD_SEG_SPEECH;
    seg->pcm = v->seg_buf;
    seg->n_frames = v->seg_frames;
    seg->start = v->seg_start;
    seg->now = now;
}

/* Outside a segment: count loud frames toward opening one, and keep the
 * others as pre-roll. */
static void vad_idle_frame(vad_t *v, const int16_t *x, int64_t s, bool loud)
{
    v->above = loud ? v->above + 1 : 0;
    if (v->above >= v->cfg.start_frames) {
        int n = v->ring_n;
        vad_begin(v, s - (int64_t)n * FC_FRAME);
        for (int i = 0; i < n; i++) {
            int idx = (v->ring_head - n + i + 2 * VAD_MAX_PREROLL_FRAMES) % VAD_MAX_PREROLL_FRAMES;
            vad_feed(v, v->ring[idx]);
        }
        v->ring_n = 0;
        /* The loud frames that opened it, this one included. */
        v->seg_voiced = v->above - 1;
        vad_feed(v, x);
        v->seg_voiced++;
    } else if (v->cfg.preroll_frames > 0) {
        memcpy(v->ring[v->ring_head], x, sizeof v->ring[0]);
        v->ring_head = (v->ring_head + 1) % VAD_MAX_PREROLL_FRAMES;
        if (v->ring_n < v->cfg.preroll_frames)
            v->ring_n++;
    }
}

/* Inside a segment: returns true when this frame closes it. */
static bool vad_seg_frame(vad_t *v, const int16_t *x, int64_t s, double e, bool loud,
                          vad_segment *seg)
{
    vad_feed(v, x);
    if (loud)
        v->seg_voiced++;
    v->seg_peak_db = fmax(v->seg_peak_db, e);
    /* Quiet: near the floor, or, in a noisy room whose background keeps
     * flickering above floor + off_db, far below the word. */
    double off = v->floor_db + v->cfg.off_db;
    if (v->cfg.off_peak_db > 0.0)
        off = fmax(off, v->seg_peak_db - v->cfg.off_peak_db);
    v->below = e < off ? v->below + 1 : 0;
    if (v->below >= v->cfg.hangover_frames) {
        vad_close(v, s + FC_FRAME, seg);
        v->above = 0;
        return true;
    }
    if (v->seg_frames >= v->cfg.max_seg_frames) {
        /* Continuous sound (TV, a tap, a sentence) is not a lone command:
         * it is dropped undecoded, which is also what bounds the decision's
         * compute time. The segment still runs until the sound stops so
         * that its tail is not taken for a new word. */
        v->overlong = true;
    }
    return false;
}

static void vad_track_floor(vad_t *v, double e)
{
    /* The floor follows quiet frames quickly and rises slowly, so steady
     * noise is absorbed within seconds while a word barely moves it. */
    if (e < v->floor_db)
        v->floor_db += v->cfg.floor_fall * (e - v->floor_db);
    else
        v->floor_db += fmin(v->cfg.floor_rise_db, e - v->floor_db);
    /* ... but never stays below the quietest frame of the last floor_win
     * frames: a step in the background (a fan switched on, a louder room)
     * is absorbed within that window instead of holding the segment open,
     * and everything said meanwhile lost, for many seconds. */
    int win = v->cfg.floor_win;
    if (win > 0) {
        v->hist[v->hist_head] = (float)e;
        v->hist_head = (v->hist_head + 1) % win;
        if (v->hist_n < win)
            v->hist_n++;
        if (v->hist_n == win) {
            double lo = v->hist[0];
            for (int i = 1; i < win; i++)
                lo = fmin(lo, v->hist[i]);
            if (lo > v->floor_db)
                v->floor_db = lo;
        }
    }
    if (v->floor_db < v->cfg.floor_min_db)
        v->floor_db = v->cfg.floor_min_db;
}

bool vad_frame(vad_t *v, const int16_t *x, int64_t s, vad_segment *seg)
{
    /* The frame's DC is removed: some sound cards carry an offset that
     * would otherwise look like a constant loud floor. */
    double e = energy_db(energy_mean_square(x, FC_FRAME, true));
    bool closed = false;

    if (!v->floor_set) {
        v->floor_db = e > v->cfg.floor_min_db ? e : v->cfg.floor_min_db;
        v->floor_set = true;
    }
    bool loud = e > v->floor_db + v->cfg.on_db;
    if (!v->in_seg)
        vad_idle_frame(v, x, s, loud);
    else
        closed = vad_seg_frame(v, x, s, e, loud, seg);
    vad_track_floor(v, e);
    return closed;
}

bool vad_break(vad_t *v, int64_t now, vad_segment *seg)
{
    bool closed = v->in_seg;
    if (closed)
        vad_close(v, now, seg);
    v->above = 0;
    v->ring_n = 0;
    return closed;
}
