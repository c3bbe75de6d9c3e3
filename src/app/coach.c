#include "coach.h"

#include "events.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "history.h"
#include "keys.h"
#include "listener.h"
#include "mixer.h"
#include "priority.h"
#include "progress.h"
#include "runner.h"
#include "setup.h"
#include "status.h"
#include "tts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    c.progression = true;
    return c;
}

/* The first retry of a lost device, and the longest wait between two. */
#define RETRY_FIRST FC_MS(1000)
#define RETRY_MAX FC_MS(30000)
/* Waiting for a device to open, the watchdog is fed this often. */
#define DEVICE_WAIT_SLICE_MS 500
/* How often the device's underruns and overflows are looked at (log_xruns). */
#define XRUN_CHECK_S 10

/* A device's watch: lost or not, and when to try it again. */
typedef struct {
    const char *name; /* in the log: microphone, speaker */
    bool lost;
    int64_t retry_at, backoff;
    int tries;
} device_watch;

struct coach {
    const coach_config *cfg;
    tts_t *tts;
    mixer_t *mixer;
    eventlog_t *log;
    history_t *history; /* NULL: none, or it could not be opened */
    status_t *status;
    keys_t *keys;
    room_t *room;
    audio_t *audio;
    bool prerendered; /* narration is in the tts cache: real time */
    runner_clock clock;
    /* The microphone's and the speaker's watch. */
    device_watch mic, speaker;
    int64_t alive_at;  /* when cfg->alive was last called */
    audio_xruns xruns; /* as last logged */
    int64_t xruns_at;  /* when they were last looked at */
    /* The session running, if any. */
    session_t *session;
    const routine_t *routine;
    listener_t *listener;
    bool ended;
    session_end_reason reason;
    const coach_waiter *waiter;
};

/* Counts and reps come from the cache so they are never late. Narration is
 * too, in real time (see prerender()); from files it is rendered when due
 * and handed to the mixer, which frees it once played. */
static int speak(coach_t *r, const session_action *a, int64_t *len)
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

static const char *exercise_name(coach_t *r, int e)
{
    return e >= 0 ? r->routine->exercises[e].name : NULL;
}

/* Speaks an audio action, then logs it. */
static int perform_audio(coach_t *r, const session_action *a)
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
static int cut(coach_t *r, int64_t at)
{
    bool playing = mixer_end(r->mixer) > at;
    mixer_cut(r->mixer, at);
    return playing ? events_cut(r->log, at) : FC_OK;
}

static int perform(coach_t *r, const session_action *a)
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
        /* Its rating may be spoken: a number, which the commands are not. */
        if (r->listener)
            listener_expect_numbers(r->listener, true);
        return events_pain(r->log, a->at, exercise_name(r, a->exercise), a->side, a->n,
                           a->seconds);
    case SESSION_ACT_RATING:
        if (r->listener)
            listener_expect_numbers(r->listener, false);
        return events_rating(r->log, a->at, exercise_name(r, a->exercise), a->n, a->source);
    case SESSION_ACT_END:
        if (r->listener) /* pain after a stop asks no rating: nothing turns it off */
            listener_expect_numbers(r->listener, false);
        r->ended = true;
        r->reason = a->reason;
        return events_end(r->log, a->at, session_end_reason_name(a->reason), NULL);
    }
    return FC_OK;
}

/* On a device, synthesis on the engine thread would starve the speaker
 * (a long line takes longer to render than the output queue holds), so every
 * fixed line is rendered before the device starts. It costs memory (the
 * full default routine's narration is about 20 MB), which a file render does
 * not need to spend. */
int coach_prepare(coach_t *c, const routine_t *routine, const prescription_t *rx,
                  fc_error *err)
{
    if (c->cfg->audio.out.kind != AUDIO_DEVICE)
        return FC_OK;
    session_config scfg = session_config_default();
    scfg.prescription = rx;
    session_t *s = NULL;
    int rc = session_create(routine, &scfg, &s);
    /* Many seconds on a Raspberry Pi: Ctrl-C or SIGTERM must not wait. */
    tts_set_interrupt(c->tts, c->cfg->interrupted);
    for (size_t i = 0; rc == FC_OK && i < session_prompt_count(s); i++) {
        tts_clip clip;
        rc = tts_get(c->tts, session_prompt(s, i), TTS_STYLE_NARRATION, 0, &clip);
    }
    tts_set_interrupt(c->tts, NULL);
    session_destroy(s);
    if (rc == FC_ERR_INTERRUPTED)
        return fc_fail(err, rc, "interrupted while preparing the narration");
    if (rc < 0)
        return fc_fail(err, rc, "could not synthesize the narration: %s", fc_strerror(rc));
    c->prerendered = true;
    return FC_OK;
}

/* Hands every action due before `until` to perform(). */
static int drain(coach_t *r, int64_t until, fc_error *err)
{
    session_action a;
    int got;
    while ((got = session_poll(r->session, until, &a)) == 1) {
        int rc = perform(r, &a);
        if (rc < 0)
            return rc == FC_ERR_IO ? eventlog_fail(r->log, rc, err)
                                   : fc_fail(err, rc, "%s", fc_strerror(rc));
    }
    return got;
}

/* Logs each word the recogniser heard, at the time the session takes it
 * (now, unless it is due later), and hands it to the engine. */
static int take_heard(coach_t *r, int64_t now, fc_error *err)
{
    asr_heard h;
    while (r->listener && listener_poll(r->listener, &h) == 1) {
        int rc = events_heard_at(r->log, now, &h);
        if (rc < 0)
            return eventlog_fail(r->log, rc, err);
        if (h.number > 0)
            session_post_rating(r->session, h.number, SESSION_SOURCE_VOICE, h.start, h.t);
        else if (h.unsure)
            session_post_unsure(r->session, h.word, h.t);
        else if (h.word != FC_CMD_NONE)
            session_post_command(r->session, h.word, h.t);
    }
    return FC_OK;
}

static int log_device(coach_t *r, int64_t now, const device_watch *d, const char *state,
                      const char *detail, fc_error *err)
{
    /* Always said: a service's journal, or the user at the terminal. */
    fprintf(stderr, "floorcoach: %s %s%s%s\n", d->name, state, detail ? ": " : "",
            detail ? detail : "");
    int rc = events_device(r->log, now, d->name, state, detail);
    if (rc < 0)
        return eventlog_fail(r->log, rc, err);
    return FC_OK;
}

/* The wait before the next try: twice the last, at most RETRY_MAX. */
static int64_t next_backoff(int64_t backoff)
{
    return backoff * 2 > RETRY_MAX ? RETRY_MAX : backoff * 2;
}

/* Tells the session (if any) that a device is lost or back. */
static void post_device(coach_t *r, const device_watch *d, int64_t now)
{
    if (!r->session)
        return;
    if (d == &r->mic)
        (d->lost ? session_post_deaf : session_post_hearing)(r->session, now);
    else
        (d->lost ? session_post_mute : session_post_unmute)(r->session, now);
}

/* A lost device: the session (if any) pauses at once, and the device is
 * tried again after 1, 2, 4 ... 30 s on the session clock. Once it is back
 * the session says so and waits for next. */
static int watch_device(coach_t *r, device_watch *d, int64_t now, fc_error *err)
{
    char why[64];
    bool mic = d == &r->mic;
    if (!d->lost && (mic ? audio_input_lost(r->audio) : audio_output_lost(r->audio))) {
        *d = (device_watch){d->name, true, now + RETRY_FIRST, RETRY_FIRST, 0};
        post_device(r, d, now);
        return log_device(r, now, d, "lost", mic ? "nothing captured for half a second"
                                                 : "it took no sound for three seconds", err);
    }
    if (!d->lost || now < d->retry_at)
        return FC_OK;
    fc_error e = {0};
    d->tries++;
    if ((mic ? audio_recover_input(r->audio, &e) : audio_recover_output(r->audio, &e)) < 0) {
        d->backoff = next_backoff(d->backoff);
        d->retry_at = now + d->backoff;
        return FC_OK;
    }
    d->lost = false;
    post_device(r, d, now);
    snprintf(why, sizeof why, "reopened after %d %s", d->tries, d->tries == 1 ? "try" : "tries");
    return log_device(r, now, d, "back", why, err);
}

static int watch_devices(coach_t *r, int64_t now, fc_error *err)
{
    int rc = watch_device(r, &r->mic, now, err);
    return rc < 0 ? rc : watch_device(r, &r->speaker, now, err);
}

/* The watchdog, once a second of session time. */
static void keep_alive(coach_t *r, int64_t now)
{
    if (r->cfg->alive && now - r->alive_at >= FC_RATE) {
        r->alive_at = now;
        r->cfg->alive(r->cfg->alive_ctx);
    }
}

/* A loaded machine's gaps go into the record, not onto the terminal:
 * looked at every XRUN_CHECK_S of audio, logged when they grew. */
static int log_xruns(coach_t *r, int64_t now, fc_error *err)
{
    if (!r->audio || now - r->xruns_at < XRUN_CHECK_S * FC_RATE)
        return FC_OK;
    r->xruns_at = now;
    audio_xruns x;
    audio_get_xruns(r->audio, &x);
    if (!memcmp(&x, &r->xruns, sizeof x))
        return FC_OK;
    r->xruns = x;
    int rc = events_xruns(r->log, now, &x);
    return rc < 0 ? eventlog_fail(r->log, rc, err) : FC_OK;
}

/* Ctrl-C, SIGTERM or the configured limit. */
bool coach_interrupted(const coach_t *c)
{
    bool over = c->cfg->limit_s > 0 && c->clock.now >= (int64_t)(c->cfg->limit_s * FC_RATE);
    return (c->cfg->interrupted && *c->cfg->interrupted) || over;
}

/* The runner's hook before each block: signals, the microphone, keys,
 * heard words, then whatever the engine has due in the block. */
static int schedule(void *ctx, const runner_clock *clock, fc_error *err)
{
    coach_t *r = ctx;
    int rc;
    if (r->status) {
        session_progress p = session_get_progress(r->session);
        status_update(r->status, &p, clock->now, FC_RATE);
    }
    if (coach_interrupted(r) && !r->ended)
        session_post_interrupt(r->session, clock->now);
    keep_alive(r, clock->now);
    if ((rc = watch_devices(r, clock->now, err)) < 0 || (rc = log_xruns(r, clock->now, err)) < 0)
        return rc;
    fc_command cmd;
    int digit;
    while (r->keys && keys_poll(r->keys, &cmd, &digit) == 1) {
        if (digit > 0) { /* a pain rating; the rating event records it when taken */
            session_post_rating(r->session, digit, SESSION_SOURCE_KEY, clock->now, clock->now);
            continue;
        }
        if ((rc = events_key(r->log, clock->now, cmd)) < 0)
            return eventlog_fail(r->log, rc, err);
        session_post_key(r->session, cmd, clock->now);
    }
    if ((rc = take_heard(r, clock->now, err)) < 0)
        return rc;
    return drain(r, clock->now + FC_FRAME, err);
}

/* After the end, keep playing until the closing line has been heard. */
static bool finished(void *ctx, const runner_clock *clock)
{
    const coach_t *r = ctx;
    return r->ended && mixer_end(r->mixer) <= clock->now;
}

static int start_listener(coach_t *r, fc_error *err)
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

static int start_record(coach_t *r, bool cleared, int64_t at)
{
    const coach_config *cfg = r->cfg;
    events_session s = {
        .routine = r->routine,
        .prescription = session_prescription(r->session),
        .voice = cfg->voice.name,
        .calibration = cfg->grammar_dir ? cfg->calibration : NULL,
        .clearance = !r->routine->requires_clearance ? "not required"
                     : cleared ? "given beforehand" : "asked",
        .at = at,
    };
    return events_start_session(r->log, &s);
}

int coach_create(const coach_config *cfg, coach_t **out, fc_error *err)
{
    coach_t *c = calloc(1, sizeof *c);
    int rc = FC_ERR_NOMEM;

    *out = NULL;
    if (!c || mixer_create(&c->mixer) < 0) {
        fc_fail(err, rc, "out of memory starting the coach");
        goto fail;
    }
    c->cfg = cfg;
    c->mic.name = "microphone";
    c->speaker.name = "speaker";
    if ((rc = tts_create(&cfg->voice, &c->tts, err)) < 0)
        goto fail;
    *out = c;
    return FC_OK;
fail:
    coach_destroy(c);
    return rc;
}

/* The audio, then the log: bad input is found before a record exists. */
/* Waits `ms` of real time, keeping the watchdog fed; false on a signal.
 * No device runs yet, so there is no sample clock to wait on. */
static bool wait_real_time(const coach_t *c, int64_t ms)
{
    for (int64_t waited = 0; waited < ms; waited += DEVICE_WAIT_SLICE_MS) {
        if (c->cfg->interrupted && *c->cfg->interrupted)
            return false;
        if (c->cfg->alive)
            c->cfg->alive(c->cfg->alive_ctx);
        struct timespec ts = {0, DEVICE_WAIT_SLICE_MS * 1000000L};
        nanosleep(&ts, NULL); /* a signal ends it early: checked above */
    }
    return !(c->cfg->interrupted && *c->cfg->interrupted);
}

/* The devices, tried again while they cannot be opened when the config
 * says so (wait_for_devices). */
static int open_audio(coach_t *c, const audio_config *au, fc_error *err)
{
    int64_t backoff = RETRY_FIRST; /* in samples, as the retries of a lost device */
    int rc;
    while ((rc = audio_open(au, &c->audio, err)) == FC_ERR_DEVICE && c->cfg->wait_for_devices) {
        fprintf(stderr, "floorcoach: %s; trying again in %lld s\n", fc_error_message(err),
                (long long)(backoff / FC_RATE));
        if (!wait_real_time(c, backoff * 1000 / FC_RATE))
            return fc_fail(err, FC_ERR_DEVICE, "interrupted while waiting for the audio "
                           "devices");
        backoff = next_backoff(backoff);
    }
    return rc;
}

/* The history, beside the log. One that cannot be opened (read-only,
 * locked, someone else's file) is told, and the sessions go on without
 * it: safety first. */
static void open_history(coach_t *c)
{
    fc_error herr = {0};
    const char *path = c->cfg->history_path;
    if (!path)
        return;
    if (history_open(path, HISTORY_WRITE, c->cfg->history_make_folder, &c->history, &herr) < 0)
        eventlog_history_lost(c->log, c->clock.now, fc_error_message(&herr));
    else
        eventlog_set_history(c->log, c->history);
}

int coach_start(coach_t *c, fc_error *err)
{
    const coach_config *cfg = c->cfg;
    audio_config au = cfg->audio;
    int rc;
    if (cfg->room && (rc = room_create(cfg->room, &c->room, err)) < 0)
        return rc;
    if (c->room)
        au.filter = room_filter(c->room);
    /* The engine feeds the speaker: on a device it goes ahead of ordinary
     * work where permitted. From files nothing is real time. */
    if (au.out.kind == AUDIO_DEVICE || au.in.kind == AUDIO_DEVICE)
        fc_priority_raise();
    if ((rc = open_audio(c, &au, err)) < 0)
        return rc;
    /* The first session's recogniser, started here so that a missing model
     * is reported before a record exists. */
    if (cfg->grammar_dir && (rc = start_listener(c, err)) < 0)
        return rc;
    if ((rc = eventlog_open(cfg->events_path, cfg->events_append, &c->log, err)) < 0)
        return rc;
    open_history(c);
    if (cfg->keys_fd >= 0 && (rc = keys_create(cfg->keys_fd, &c->keys)) < 0)
        return fc_fail(err, rc, "out of memory setting up keys");
    if (cfg->show_status)
        c->status = status_create(stderr);
    return FC_OK;
}

void coach_destroy(coach_t *c)
{
    if (!c)
        return;
    status_destroy(c->status);
    listener_destroy(c->listener);
    keys_destroy(c->keys);
    audio_close(c->audio);
    room_destroy(c->room);
    eventlog_close(c->log);
    history_close(c->history); /* after the log, which writes into it */
    mixer_destroy(c->mixer);
    tts_destroy(c->tts);
    free(c);
}

int64_t coach_now(const coach_t *c) { return c->clock.now; }

/* Now, or the end of whatever is still playing if that is later. */
static int64_t after_playing(const coach_t *c)
{
    int64_t end = mixer_end(c->mixer);
    return end > c->clock.now ? end : c->clock.now;
}

eventlog_t *coach_log(coach_t *c) { return c->log; }

int coach_say(coach_t *c, const char *text, fc_error *err)
{
    int64_t at = after_playing(c);
    tts_clip clip;
    int rc = tts_get(c->tts, text, TTS_STYLE_NARRATION, 0, &clip);
    if (rc == FC_OK)
        rc = mixer_add(c->mixer, at, clip.pcm, clip.n, false);
    if (rc < 0)
        return fc_fail(err, rc, "could not say \"%s\": %s", text, fc_strerror(rc));
    if ((rc = events_say(c->log, at, text, at + (int64_t)clip.n, false)) < 0)
        return eventlog_fail(c->log, rc, err);
    return FC_OK;
}

/* ---- waiting between sessions ---- */

static int wait_block(void *ctx, const runner_clock *clock, fc_error *err)
{
    keep_alive(ctx, clock->now);
    return watch_devices(ctx, clock->now, err);
}

static int wait_captured(void *ctx, int64_t at, const int16_t *mic, size_t n, fc_error *err)
{
    const coach_t *c = ctx;
    return c->mic.lost ? FC_OK : c->waiter->captured(c->waiter->ctx, at, mic, n, err);
}

static bool wait_over(void *ctx, const runner_clock *clock)
{
    const coach_t *c = ctx;
    return coach_interrupted(c) ||
           c->waiter->done(c->waiter->ctx, clock->now, audio_input_ended(c->audio));
}

int coach_wait(coach_t *c, const coach_waiter *w, fc_error *err)
{
    c->waiter = w;
    runner_config rcfg = {c->audio, c->mixer, NULL, {wait_block, wait_captured, wait_over, c}};
    int rc = runner_run(&rcfg, &c->clock, err);
    c->waiter = NULL;
    return rc;
}

/* ---- one session ---- */

/* Whatever went wrong, the record says the session ended and why. */
static void log_failure(coach_t *r, int64_t now, const fc_error *err)
{
    session_action a;
    if (!r->session || r->ended)
        return;
    session_post_error(r->session, now);
    while (session_poll(r->session, INT64_MAX, &a) == 1)
        if (a.kind == SESSION_ACT_END)
            events_end(r->log, a.at, "error", fc_error_message(err));
}

/* The session, its recogniser and its record, from the clock's now (after
 * anything still playing). */
static int open_session(coach_t *c, const progress_t *today, bool cleared, const char *id,
                        fc_error *err)
{
    const prescription_t *rx = progress_prescription(today);
    session_config scfg = session_config_default();
    scfg.sample_rate = FC_RATE;
    scfg.prescription = rx;
    scfg.cleared = cleared;
    scfg.start_at = after_playing(c);
    int rc;
    if ((rc = session_create(c->routine, &scfg, &c->session)) < 0)
        return fc_fail(err, rc, "out of memory starting the session");
    if (c->cfg->grammar_dir && !c->listener && (rc = start_listener(c, err)) < 0)
        return rc;
    if (id && eventlog_set_session(c->log, id) < 0)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory starting the session");
    if ((rc = start_record(c, cleared, scfg.start_at)) < 0 ||
        (rc = progress_log(today, c->log, scfg.start_at)) < 0)
        return eventlog_fail(c->log, rc, err);
    /* Lost before the session began: it starts paused. */
    if (c->mic.lost)
        post_device(c, &c->mic, scfg.start_at);
    if (c->speaker.lost)
        post_device(c, &c->speaker, scfg.start_at);
    return FC_OK;
}

int coach_session(coach_t *c, const routine_t *routine, const prescription_t *rx,
                  bool cleared, const char *id, session_end_reason *reason, fc_error *err)
{
    progress_t *today = NULL;
    c->routine = routine;
    c->ended = false;
    /* Today's doses within the prescription's ranges; on a device their
     * new lines (a dose's, the note saying why) are rendered before the
     * session starts, as coach_prepare() rendered the rest. */
    int rc = progress_plan(c->history, routine, rx, c->cfg->progression, events_now(), &today,
                           err);
    if (rc == FC_OK && c->prerendered)
        rc = coach_prepare(c, routine, progress_prescription(today), err);
    if (rc == FC_OK)
        rc = open_session(c, today, cleared, id, err);
    if (rc == FC_OK) {
        runner_config rcfg = {c->audio, c->mixer, c->listener, {schedule, NULL, finished, c}};
        rc = runner_run(&rcfg, &c->clock, err);
    }
    if (rc < 0)
        log_failure(c, c->clock.now, err);
    *reason = rc < 0 ? SESSION_END_ERROR : c->reason;
    if (id && c->log)
        eventlog_set_session(c->log, NULL);
    listener_destroy(c->listener);
    session_destroy(c->session);
    progress_destroy(today); /* after the session, which reads its doses */
    c->listener = NULL;
    c->session = NULL;
    c->routine = NULL;
    return rc;
}

int coach_run(const coach_config *cfg, session_end_reason *reason, fc_error *err)
{
    coach_t *c = NULL;
    char id[EVENTS_SESSION_ID_MAX];
    fc_error_clear(err);
    *reason = SESSION_END_ERROR;
    int rc = coach_create(cfg, &c, err);
    if (rc == FC_OK)
        rc = coach_prepare(c, cfg->routine, cfg->prescription, err);
    if (rc == FC_OK)
        rc = coach_start(c, err);
    if (rc == FC_OK)
        rc = coach_session(c, cfg->routine, cfg->prescription, cfg->cleared,
                           cfg->events_append ? events_session_id(id, sizeof id) : NULL,
                           reason, err);
    coach_destroy(c);
    return rc;
}
