#include "runner.h"

#include "fc_clock.h"
#include "fc_error.h"

/* A capture device hands over what it has; bursts of up to this many. */
#define CAPTURE_MAX 4096

static int block(const runner_config *cfg, runner_clock *clock, fc_error *err)
{
    int16_t out[FC_FRAME], in[CAPTURE_MAX];
    size_t got = 0;
    int rc;
    if ((rc = cfg->hooks.schedule(cfg->hooks.ctx, clock, err)) < 0)
        return rc;
    mixer_render(cfg->mixer, clock->now, out, FC_FRAME);
    if ((rc = audio_exchange(cfg->audio, out, FC_FRAME, in, CAPTURE_MAX, &got, err)) < 0)
        return rc;
    int64_t gap = audio_take_output_gap(cfg->audio);
    if (cfg->listener) {
        if (gap > 0)
            listener_speaker_gap(cfg->listener, gap);
        listener_played(cfg->listener, clock->now, out, FC_FRAME);
        if ((rc = listener_push(cfg->listener, clock->mic_at, in, got)) < 0)
            return fc_fail(err, rc, "the recogniser failed: %s", fc_strerror(rc));
    }
    if (cfg->hooks.captured &&
        (rc = cfg->hooks.captured(cfg->hooks.ctx, clock->mic_at, in, got, err)) < 0)
        return rc;
    clock->mic_at += (int64_t)got;
    clock->now += FC_FRAME;
    return FC_OK;
}

int runner_run(const runner_config *cfg, runner_clock *clock, fc_error *err)
{
    int rc = FC_OK;
    while (rc == FC_OK && !cfg->hooks.done(cfg->hooks.ctx, clock))
        rc = block(cfg, clock, err);
    return rc;
}

typedef struct {
    mixer_t *mixer;
    int64_t end;
} clip_play;

static int nothing_due(void *ctx, const runner_clock *clock, fc_error *err)
{
    (void)ctx;
    (void)clock;
    (void)err;
    return FC_OK;
}

static bool clip_done(void *ctx, const runner_clock *clock)
{
    const clip_play *p = ctx;
    return clock->now >= p->end;
}

int runner_play(audio_t *audio, const int16_t *pcm, size_t n, fc_error *err)
{
    clip_play p = {NULL, (int64_t)n};
    runner_clock clock = {0, 0};
    int rc = mixer_create(&p.mixer);
    if (rc < 0)
        return fc_fail(err, rc, "out of memory playing a line");
    if ((rc = mixer_add(p.mixer, 0, pcm, n, false)) < 0) {
        fc_fail(err, rc, "out of memory playing a line");
    } else {
        runner_config cfg = {audio, p.mixer, NULL, {nothing_due, NULL, clip_done, &p}};
        rc = runner_run(&cfg, &clock, err);
    }
    mixer_destroy(p.mixer);
    return rc;
}
