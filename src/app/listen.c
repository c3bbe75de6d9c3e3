#include "listen.h"

#include "events.h"
#include "fc_clock.h"
#include "listener.h"
#include "runner.h"
#include "setup.h"

#include <string.h>

typedef struct {
    const listen_config *cfg;
    audio_t *audio;
    listener_t *listener;
    eventlog_t *log;
    int64_t tail; /* samples exchanged since the microphone file ended */
} listening;

listen_config listen_config_default(void)
{
    listen_config c;
    memset(&c, 0, sizeof c);
    c.audio = audio_config_default();
    c.audio.in = audio_device(NULL);
    c.events_path = "-";
    return c;
}

static int log_heard(listening *l, fc_error *err)
{
    asr_heard h;
    while (listener_poll(l->listener, &h) == 1) {
        int rc = events_heard(l->log, &h);
        if (rc < 0)
            return eventlog_fail(l->log, rc, err);
    }
    return FC_OK;
}

/* The record says how it ended, as a session's does. */
static int log_end(listening *l, int64_t now, fc_error *err)
{
    bool interrupted = l->cfg->interrupted && *l->cfg->interrupted;
    int rc = events_end(l->log, now, interrupted ? "interrupted" : "completed", NULL);
    return rc < 0 ? eventlog_fail(l->log, rc, err) : FC_OK;
}

static int schedule(void *ctx, const runner_clock *clock, fc_error *err)
{
    listening *l = ctx;
    (void)clock;
    /* With nothing to coach there is nothing to pause: say so and end. */
    if (audio_input_lost(l->audio))
        return fc_fail(err, FC_ERR_DEVICE, "the microphone stopped delivering sound "
                       "(unplugged?); plug it in and start again");
    return log_heard(l, err);
}

/* A file is followed by a second of silence so its last word ends. */
static bool heard_enough(void *ctx, const runner_clock *clock)
{
    listening *l = ctx;
    (void)clock;
    if (audio_input_ended(l->audio))
        l->tail += FC_FRAME;
    return (l->cfg->interrupted && *l->cfg->interrupted) || l->tail >= FC_RATE;
}

static int start(listening *l, fc_error *err)
{
    const listen_config *cfg = l->cfg;
    hearing_config hcfg = setup_hearing(cfg->grammar_dir, cfg->calibration);
    fc_error why = {0};
    int rc;
    if ((rc = audio_open(&cfg->audio, &l->audio, err)) < 0)
        return rc;
    if ((rc = listener_create(&hcfg, NULL, audio_is_realtime(l->audio), 0, &l->listener,
                              &why)) < 0)
        return setup_hearing_failed(rc, &why, cfg->grammar_dir, err);
    return eventlog_open(cfg->events_path, false, &l->log, err);
}

int app_listen(const listen_config *cfg, fc_error *err)
{
    listening l = {cfg, NULL, NULL, NULL, 0};
    mixer_t *silence = NULL;
    runner_clock clock = {0, 0};
    fc_error_clear(err);
    int rc = mixer_create(&silence);
    if (rc < 0)
        fc_fail(err, rc, "out of memory");
    else if ((rc = start(&l, err)) == FC_OK) {
        runner_config rcfg = {l.audio, silence, l.listener, {schedule, NULL, heard_enough, &l}};
        if ((rc = runner_run(&rcfg, &clock, err)) == FC_OK) {
            listener_flush(l.listener);
            rc = log_heard(&l, err);
        }
        if (rc == FC_OK)
            rc = log_end(&l, clock.now, err);
    }
    eventlog_close(l.log);
    listener_destroy(l.listener);
    audio_close(l.audio);
    mixer_destroy(silence);
    return rc;
}
