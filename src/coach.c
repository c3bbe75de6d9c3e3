#include "coach.h"

#include "eventlog.h"
#include "fc_error.h"
#include "keys.h"
#include "listener.h"
#include "mixer.h"
#include "status.h"
#include "tts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 10 ms: the engine reacts to a command at the next block boundary, so this
 * bounds the engine's share of the reaction time. */
#define BLOCK 160
/* On devices, the echo was measured arriving up to ~20 ms "before" its
 * output sample on the capture count (PulseAudio); see listener_create(). */
#define REF_ADVANCE 480
/* A capture device hands over what it has; bursts of up to this many. */
#define CAPTURE_MAX 4096

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
    audio_t *audio;
    listener_t *listener;
    bool ended;
    bool prerendered; /* narration is in the tts cache: real time */
    session_end_reason reason;
} run;

/* Seconds, rounded to the millisecond like every "t" in the log. */
static double ms(int64_t samples)
{
    return (double)((samples * 1000 + AUDIO_RATE / 2) / AUDIO_RATE) / 1000.0;
}

/* Counts and reps come from the cache so they are never late. Narration is
 * too, in real time (see prerender()); from files it is rendered when due
 * and handed to the mixer, which frees it once played. */
static int speak(run *r, const session_action *a, int64_t *len)
{
    tts_style style = a->cue ? TTS_STYLE_CUE : TTS_STYLE_NARRATION;
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

static int perform(run *r, const session_action *a)
{
    int64_t len = 0;
    int rc = FC_OK;
    switch (a->kind) {
    case SESSION_ACT_EXERCISE:
        rc = eventlog_write(r->log, a->at, "exercise", "s:s, s:s?, s:i", "name",
                            exercise_name(r, a->exercise), "side", a->side, "index", a->exercise);
        break;
    case SESSION_ACT_SAY:
        if ((rc = speak(r, a, &len)) < 0)
            return rc;
        rc = eventlog_write(r->log, a->at, "say", "s:s, s:f", "text", a->text, "until",
                            ms(a->at + len));
        break;
    case SESSION_ACT_HOLD:
        rc = eventlog_write(r->log, a->at, "hold", "s:i, s:i, s:i", "seconds", a->seconds, "rep",
                            a->n, "of", a->of);
        break;
    case SESSION_ACT_COUNT:
        if ((rc = speak(r, a, &len)) < 0)
            return rc;
        rc = eventlog_write(r->log, a->at, "count", "s:i", "n", a->n);
        break;
    case SESSION_ACT_REP:
        if ((rc = speak(r, a, &len)) < 0)
            return rc;
        rc = eventlog_write(r->log, a->at, "rep", "s:i, s:i", "n", a->n, "of", a->of);
        break;
    case SESSION_ACT_WAIT:
        rc = eventlog_write(r->log, a->at, "wait", "s:s", "for", a->text);
        break;
    case SESSION_ACT_CUT:
        mixer_cut(r->mixer, a->at);
        break;
    case SESSION_ACT_PAIN:
        rc = eventlog_write(r->log, a->at, "pain", "s:s?, s:s?, s:i, s:i", "exercise",
                            exercise_name(r, a->exercise), "side", a->side, "rep", a->n,
                            "second", a->seconds);
        break;
    case SESSION_ACT_END:
        r->ended = true;
        r->reason = a->reason;
        rc = eventlog_write(r->log, a->at, "end", "s:s", "reason",
                            session_end_reason_name(a->reason));
        break;
    }
    return rc;
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
static int drain(run *r, int64_t until)
{
    session_action a;
    int got;
    while ((got = session_poll(r->session, until, &a)) == 1) {
        int rc = perform(r, &a);
        if (rc < 0)
            return rc;
    }
    return got;
}

int coach_log_heard(eventlog_t *log, const asr_heard *h)
{
    return eventlog_write(log, h->t, "heard", "s:s, s:f, s:f, s:f", "word",
                          asr_word_name(h->word), "start", ms(h->start), "end", ms(h->end),
                          "score", round(h->score * 1000.0) / 1000.0);
}

/* Logs each word the recogniser heard and hands it to the engine. */
static int take_heard(run *r)
{
    asr_heard h;
    while (r->listener && listener_poll(r->listener, &h) == 1) {
        int rc = coach_log_heard(r->log, &h);
        if (rc < 0)
            return rc;
        static const session_command map[] = {
            [ASR_WORD_NEXT] = SESSION_CMD_NEXT, [ASR_WORD_REPEAT] = SESSION_CMD_REPEAT,
            [ASR_WORD_PAIN] = SESSION_CMD_PAIN, [ASR_WORD_STOP] = SESSION_CMD_STOP};
        if (h.word > ASR_WORD_NONE && h.word <= ASR_WORD_STOP)
            session_post_command(r->session, map[h.word], h.t);
    }
    return FC_OK;
}

static void close_run(run *r)
{
    status_destroy(r->status);
    listener_destroy(r->listener);
    keys_destroy(r->keys);
    audio_close(r->audio);
    eventlog_close(r->log);
    mixer_destroy(r->mixer);
    tts_destroy(r->tts);
    session_destroy(r->session);
}

int coach_run(const coach_config *cfg, session_end_reason *reason, char *err, size_t errlen)
{
    run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    int rc;
    int16_t out[BLOCK], in[CAPTURE_MAX];
    int64_t now = 0, mic_at = 0; /* next output sample; next captured sample */
    session_config scfg = session_config_default();
    scfg.sample_rate = AUDIO_RATE;

    /* Inputs are checked before the log is created, so bad input leaves no
     * half-written record behind. */
    if ((rc = session_create(cfg->routine, &scfg, &r.session)) < 0 ||
        (rc = mixer_create(&r.mixer)) < 0) {
        snprintf(err, errlen, "out of memory starting the session");
        goto fail;
    }
    if ((rc = tts_create(&cfg->voice, &r.tts)) < 0) {
        snprintf(err, errlen, "%s", tts_last_error());
        goto fail;
    }
    /* Before the device starts, so the speaker is not starved meanwhile. */
    if (!cfg->audio.out_file && !cfg->audio.no_output && (rc = prerender(&r)) < 0) {
        snprintf(err, errlen, "could not synthesize the narration: %s", fc_strerror(rc));
        goto fail;
    }
    if ((rc = audio_open(&cfg->audio, &r.audio, err, errlen)) < 0)
        goto fail;
    if (cfg->grammar_dir) {
        asr_config acfg = asr_config_default();
        acfg.grammar_dir = cfg->grammar_dir;
        acfg.user_conf = cfg->calibration;
        /* Echo cancelling only where the microphone can hear the speaker:
         * on a clean microphone it would only distort the user's voice.
         * Files: the echo is aligned with the output by construction.
         * Devices: the delay is measured from the narration. */
        bool rt = audio_is_realtime(r.audio);
        aec_config ecfg = aec_config_default();
        ecfg.denoise = false; /* it costs detections: bench/README.md */
        ecfg.ref_delay = rt ? -1 : 0;
        bool aec = audio_has_echo(r.audio);
        if ((rc = listener_create(&acfg, aec ? &ecfg : NULL, rt, rt ? REF_ADVANCE : 0,
                                  &r.listener)) < 0) {
            snprintf(err, errlen, "the recogniser could not start (%s); check %s and that the "
                     "pocketsphinx-en-us package is installed", fc_strerror(rc),
                     cfg->grammar_dir);
            goto fail;
        }
    }
    if ((rc = eventlog_open(cfg->events_path, AUDIO_RATE, &r.log)) < 0) {
        snprintf(err, errlen, "%s: cannot write the event log; check the folder exists and is "
                 "writable", cfg->events_path);
        r.log = NULL;
        goto fail;
    }
    if (cfg->keys_fd >= 0 && (rc = keys_create(cfg->keys_fd, &r.keys)) < 0) {
        snprintf(err, errlen, "out of memory setting up keys");
        goto fail;
    }
    if (cfg->show_status)
        r.status = status_create(stderr);

    if ((rc = eventlog_write(r.log, 0, "start", "s:s, s:s, s:s?", "routine",
                             cfg->routine->title, "file", cfg->routine->path, "calibration",
                             cfg->grammar_dir ? cfg->calibration : NULL)) < 0) {
        snprintf(err, errlen, "%s: cannot write the event log", cfg->events_path);
        goto fail;
    }
    /* After the end, keep playing until the closing line has been heard. */
    while (!r.ended || mixer_end(r.mixer) > now) {
        if (cfg->interrupted && *cfg->interrupted && !r.ended)
            session_post_interrupt(r.session, now);
        session_command cmd;
        while (r.keys && keys_poll(r.keys, &cmd) == 1)
            session_post_command(r.session, cmd, now);
        if ((rc = take_heard(&r)) < 0) {
            snprintf(err, errlen, "cannot write the event log");
            goto fail;
        }
        if ((rc = drain(&r, now + BLOCK)) < 0) {
            snprintf(err, errlen, "%s", rc == FC_ERR_IO ? "cannot write the event log"
                                                         : fc_strerror(rc));
            goto fail;
        }
        mixer_render(r.mixer, now, out, BLOCK);
        size_t got = 0;
        if ((rc = audio_exchange(r.audio, out, BLOCK, in, CAPTURE_MAX, &got, err, errlen)) < 0)
            goto fail;
        if (r.listener) {
            listener_played(r.listener, now, out, BLOCK);
            if ((rc = listener_push(r.listener, mic_at, in, got)) < 0) {
                snprintf(err, errlen, "the recogniser failed: %s", fc_strerror(rc));
                goto fail;
            }
        }
        mic_at += (int64_t)got;
        now += BLOCK;
        if (r.status) {
            session_progress p = session_get_progress(r.session);
            status_update(r.status, &p, now, AUDIO_RATE);
        }
    }
    *reason = r.reason;
    close_run(&r);
    return FC_OK;

fail:
    /* Whatever went wrong, the record says the session ended and why. */
    if (r.session && !r.ended) {
        session_post_error(r.session, now);
        session_action a;
        while (session_poll(r.session, INT64_MAX, &a) == 1)
            if (a.kind == SESSION_ACT_END)
                eventlog_write(r.log, a.at, "end", "s:s, s:s", "reason", "error", "detail", err);
    }
    *reason = SESSION_END_ERROR;
    close_run(&r);
    return rc;
}
