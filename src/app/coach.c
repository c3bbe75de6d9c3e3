#include "coach.h"

#include "events.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "keys.h"
#include "listener.h"
#include "mixer.h"
#include "runner.h"
#include "setup.h"
#include "status.h"
#include "tts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* On devices, the echo was measured arriving up to ~20 ms "before" its
 * output sample on the capture count (PulseAudio); see listener_create(). */
#define REF_ADVANCE FC_MS(30)

coach_config coach_config_default(void)
{
    coach_config c;
    memset(&c, 0, sizeof c);
    c.voice = voice_profile_default();
    c.audio = audio_config_default();
    c.keys_fd = -1;
    return c;
}

typedef struct {
    const coach_config *cfg;
    session_t *session;
    tts_t *tts;
    mixer_t *mixer;
    eventlog_t *log;
    status_t *status;
    keys_t *keys;
    room_t *room;
    audio_t *audio;
    listener_t *listener;
    bool ended;
    bool prerendered; /* narration is in the tts cache: real time */
    session_end_reason reason;
} run;

/* Counts and reps come from the cache so they are never late. Narration is
 * too, in real time (see prerender()); from files it is rendered when due
 * and handed to the mixer, which frees it once played. */
static int speak(run *r, const session_action *a, int64_t *len)
{
    tts_style style = a->last ? TTS_STYLE_RELEASE : a->cue ? TTS_STYLE_CUE : TTS_STYLE_NARRATION;
    int rc;
    if (a->kind == SESSION_ACT_SAY && !r->prerendered) {
        int16_t *pcm = NULL;
        size_t n = 0;
        if ((rc = tts_render(r->tts, a->text, style, &pcm, &n)) < 0 ||
            (rc = mixer_add(r->mixer, a->at, pcm, n, true)) < 0)
            return rc;
        *len = (int64_t)n;
    } else {
        tts_clip clip;
        if ((rc = tts_get(r->tts, a->text, style, (size_t)a->max_samples, &clip)) < 0 ||
            (rc = mixer_add(r->mixer, a->at, clip.pcm, clip.n, false)) < 0)
            return rc;
        *len = (int64_t)clip.n;
    }
    return session_said(r->session, *len);
}

static const char *exercise_name(run *r, int e)
{
    return e >= 0 ? r->cfg->routine->exercises[e].name : NULL;
}

/* Speaks an audio action, then logs it. */
static int perform_audio(run *r, const session_action *a)
{
    int64_t len = 0;
    int rc = speak(r, a, &len);
    if (rc < 0)
        return rc;
    switch (a->kind) {
    case SESSION_ACT_SAY: return events_say(r->log, a->at, a->text, a->at + len, a->position);
    case SESSION_ACT_COUNT: return events_count(r->log, a->at, a->n);
    default: return events_rep(r->log, a->at, a->n, a->of);
    }
}

/* Silences what was scheduled from `at` on; when something was playing
 * then, the log gets its real end. */
static int cut(run *r, int64_t at)
{
    bool playing = mixer_end(r->mixer) > at;
    mixer_cut(r->mixer, at);
    return playing ? events_cut(r->log, at) : FC_OK;
}

static int perform(run *r, const session_action *a)
{
    switch (a->kind) {
    case SESSION_ACT_SAY:
    case SESSION_ACT_COUNT:
    case SESSION_ACT_REP:
        return perform_audio(r, a);
    case SESSION_ACT_EXERCISE:
        return events_exercise(r->log, a->at, exercise_name(r, a->exercise), a->side,
                               a->exercise);
    case SESSION_ACT_HOLD:
        return events_hold(r->log, a->at, a->seconds, a->n, a->of);
    case SESSION_ACT_WAIT:
        return events_wait(r->log, a->at, a->text);
    case SESSION_ACT_WAITED:
        return events_waited(r->log, a->at, a->text);
    case SESSION_ACT_CLEARANCE:
        return events_clearance(r->log, a->at, a->source);
    case SESSION_ACT_CUT:
        return cut(r, a->at);
    case SESSION_ACT_PAUSE:
        return events_pause(r->log, a->at, a->text);
    case SESSION_ACT_PAIN:
        return events_pain(r->log, a->at, exercise_name(r, a->exercise), a->side, a->n,
                           a->seconds);
    case SESSION_ACT_END:
        r->ended = true;
        r->reason = a->reason;
        return events_end(r->log, a->at, session_end_reason_name(a->reason), NULL);
    }
    return FC_OK;
}

/* On a device, synthesis on the engine thread would starve the speaker
 * (a long line takes longer to render than the output queue holds), so every
 * fixed line is rendered before the session starts. It costs memory (the
 * full default routine's narration is about 20 MB), which a file render does
 * not need to spend. */
static int prerender(run *r)
{
    for (size_t i = 0; i < session_prompt_count(r->session); i++) {
        tts_clip clip;
        int rc = tts_get(r->tts, session_prompt(r->session, i), TTS_STYLE_NARRATION, 0, &clip);
        if (rc < 0)
            return rc;
    }
    r->prerendered = true;
    return FC_OK;
}

/* Hands every action due before `until` to perform(). */
static int drain(run *r, int64_t until, fc_error *err)
{
    session_action a;
    int got;
    while ((got = session_poll(r->session, until, &a)) == 1) {
        int rc = perform(r, &a);
        if (rc < 0)
            return fc_fail(err, rc, "%s", rc == FC_ERR_IO ? "cannot write the event log"
                                                          : fc_strerror(rc));
    }
    return got;
}

/* Logs each word the recogniser heard, at the time the session takes it
 * (now, unless it is due later), and hands it to the engine. */
static int take_heard(run *r, int64_t now, fc_error *err)
{
    asr_heard h;
    while (r->listener && listener_poll(r->listener, &h) == 1) {
        if (events_heard_at(r->log, now, &h) < 0)
            return fc_fail(err, FC_ERR_IO, "cannot write the event log");
        if (h.unsure)
            session_post_unsure(r->session, h.word, h.t);
        else if (h.word != FC_CMD_NONE)
            session_post_command(r->session, h.word, h.t);
    }
    return FC_OK;
}

/* The runner's hook before each block: signals, keys, heard words, then
 * whatever the engine has due in the block. */
static int schedule(void *ctx, const runner_clock *clock, fc_error *err)
{
    run *r = ctx;
    int rc;
    if (r->status) {
        session_progress p = session_get_progress(r->session);
        status_update(r->status, &p, clock->now, FC_RATE);
    }
    bool over = r->cfg->limit_s > 0 && clock->now >= (int64_t)(r->cfg->limit_s * FC_RATE);
    if (((r->cfg->interrupted && *r->cfg->interrupted) || over) && !r->ended)
        session_post_interrupt(r->session, clock->now);
    fc_command cmd;
    while (r->keys && keys_poll(r->keys, &cmd) == 1) {
        if ((rc = events_key(r->log, clock->now, cmd)) < 0)
            return fc_fail(err, rc, "cannot write the event log");
        session_post_key(r->session, cmd, clock->now);
    }
    if ((rc = take_heard(r, clock->now, err)) < 0)
        return rc;
    return drain(r, clock->now + FC_FRAME, err);
}

/* After the end, keep playing until the closing line has been heard. */
static bool finished(void *ctx, const runner_clock *clock)
{
    const run *r = ctx;
    return r->ended && mixer_end(r->mixer) <= clock->now;
}

static int start_listener(run *r, fc_error *err)
{
    const coach_config *cfg = r->cfg;
    hearing_config hcfg = setup_hearing(cfg->grammar_dir, cfg->calibration);
    /* Echo cancelling only where the microphone can hear the speaker:
     * on a clean microphone it would only distort the user's voice.
     * Files: the echo is aligned with the output by construction.
     * Devices: the delay is measured from the narration. */
    bool rt = audio_is_realtime(r->audio);
    aec_config ecfg = aec_config_default();
    ecfg.denoise = false; /* it costs detections: bench/README.md */
    ecfg.ref_delay = rt ? -1 : 0;
    bool aec = audio_has_echo(r->audio);
    fc_error why = {0};
    int rc = listener_create(&hcfg, aec ? &ecfg : NULL, rt, rt ? (int)REF_ADVANCE : 0,
                             &r->listener, &why);
    if (rc < 0)
        return setup_hearing_failed(rc, &why, cfg->grammar_dir, err);
    return FC_OK;
}

static int start_record(run *r)
{
    const coach_config *cfg = r->cfg;
    events_session s = {
        .routine = cfg->routine,
        .prescription = session_prescription(r->session),
        .voice = cfg->voice.name,
        .calibration = cfg->grammar_dir ? cfg->calibration : NULL,
        .clearance = !cfg->routine->requires_clearance ? "not required"
                     : cfg->cleared ? "given beforehand" : "asked",
    };
    return events_start_session(r->log, &s);
}

/* Everything the session needs, in an order that checks the user's inputs
 * before the log is created, so bad input leaves no half-written record. */
static int open_run(run *r, fc_error *err)
{
    const coach_config *cfg = r->cfg;
    session_config scfg = session_config_default();
    scfg.sample_rate = FC_RATE;
    scfg.prescription = cfg->prescription;
    scfg.cleared = cfg->cleared;
    audio_config au = cfg->audio;
    int rc;
    if ((rc = session_create(cfg->routine, &scfg, &r->session)) < 0 ||
        (rc = mixer_create(&r->mixer)) < 0)
        return fc_fail(err, rc, "out of memory starting the session");
    if ((rc = tts_create(&cfg->voice, &r->tts, err)) < 0)
        return rc;
    /* Before the device starts, so the speaker is not starved meanwhile. */
    if (au.out.kind == AUDIO_DEVICE && (rc = prerender(r)) < 0)
        return fc_fail(err, rc, "could not synthesize the narration: %s", fc_strerror(rc));
    if (cfg->room && (rc = room_create(cfg->room, &r->room, err)) < 0)
        return rc;
    if (r->room)
        au.filter = room_filter(r->room);
    if ((rc = audio_open(&au, &r->audio, err)) < 0)
        return rc;
    if (cfg->grammar_dir && (rc = start_listener(r, err)) < 0)
        return rc;
    if ((rc = eventlog_open(cfg->events_path, cfg->events_append, &r->log, err)) < 0)
        return rc;
    char id[EVENTS_SESSION_ID_MAX];
    if (cfg->events_append &&
        (rc = eventlog_set_session(r->log, events_session_id(id, sizeof id))) < 0)
        return fc_fail(err, rc, "out of memory opening the event log");
    if (cfg->keys_fd >= 0 && (rc = keys_create(cfg->keys_fd, &r->keys)) < 0)
        return fc_fail(err, rc, "out of memory setting up keys");
    if (cfg->show_status)
        r->status = status_create(stderr);
    if ((rc = start_record(r)) < 0)
        return fc_fail(err, rc, "%s: cannot write the event log", cfg->events_path);
    return FC_OK;
}

static void close_run(run *r)
{
    status_destroy(r->status);
    listener_destroy(r->listener);
    keys_destroy(r->keys);
    audio_close(r->audio);
    room_destroy(r->room);
    eventlog_close(r->log);
    mixer_destroy(r->mixer);
    tts_destroy(r->tts);
    session_destroy(r->session);
}

/* Whatever went wrong, the record says the session ended and why. */
static void log_failure(run *r, int64_t now, const fc_error *err)
{
    session_action a;
    if (!r->session || r->ended)
        return;
    session_post_error(r->session, now);
    while (session_poll(r->session, INT64_MAX, &a) == 1)
        if (a.kind == SESSION_ACT_END)
            events_end(r->log, a.at, "error", fc_error_message(err));
}

int coach_run(const coach_config *cfg, session_end_reason *reason, fc_error *err)
{
    run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    runner_clock clock = {0, 0};
    fc_error_clear(err);
    int rc = open_run(&r, err);
    if (rc == FC_OK) {
        runner_config rcfg = {r.audio, r.mixer, r.listener, {schedule, NULL, finished, &r}};
        rc = runner_run(&rcfg, &clock, err);
    }
    if (rc < 0)
        log_failure(&r, clock.now, err);
    *reason = rc < 0 ? SESSION_END_ERROR : r.reason;
    close_run(&r);
    return rc;
}
