/* calibrate_session: asks for the calibration takes aloud and records them
 * (see calibrate.h).  Like a coaching session, it runs on the sample clock:
 * every prompt is placed on the mixer at its sample, and every recording
 * window is a range of captured samples. */
#define _POSIX_C_SOURCE 200809L

#include "calibrate_session.h"

#include "events.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "mixer.h"
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Long enough to hear the prompt, breathe and answer; short enough that
 * the whole calibration stays near two minutes. */
#define TAKE_WINDOW FC_MS(3000)
#define ROOM_WINDOW FC_MS(2000)
#define AFTER_PROMPT FC_MS(300)  /* between a line and the next thing */
/* On devices the end of a prompt still reaches the microphone a little
 * later (output queue plus capture latency); the window starts after it so
 * that a take holds the user's word and not the coach's. */
#define ECHO_GUARD FC_MS(300)

/* Words that are not commands but sound like one: the user's own versions
 * are the best test of what a calibration may not start taking. */
static const char *const other_words[] = { "top", "step", "neck", "text", "plain", "rain" };
#define N_OTHERS (int)(sizeof other_words / sizeof other_words[0])
static const fc_command asked[] = { FC_CMD_STOP, FC_CMD_PAIN, FC_CMD_NEXT, FC_CMD_REPEAT };

calib_config calib_config_default(void)
{
    calib_config c;
    memset(&c, 0, sizeof c);
    c.voice = voice_profile_default();
    c.audio = audio_config_default();
    c.repeats = 3;
    c.max_bias = 20.0;
    return c;
}

/* Appends a slot that says `text` at *at and, for ROOM and TAKE, records a
 * window after it; moves *at past it. */
static int add_slot(tts_t *tts, calib_slot *slots, int *n, int max, calib_slot_kind kind,
                    fc_command word, const char *label, const char *text, int64_t guard,
                    int64_t *at)
{
    if (*n >= max)
        return FC_ERR_FULL;
    calib_slot *s = &slots[(*n)++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->word = word;
    s->label = label;
    if (strlen(text) >= sizeof s->text)
        return FC_ERR_FULL;
    memcpy(s->text, text, strlen(text) + 1);
    s->say_at = *at;
    tts_clip clip;
    int rc = tts_get(tts, text, TTS_STYLE_NARRATION, 0, &clip);
    if (rc < 0)
        return rc;
    int64_t end = *at + (int64_t)clip.n;
    s->listen_at = s->listen_end = end;
    if (kind != CALIB_SAY) {
        s->listen_at = end + guard;
        s->listen_end = s->listen_at + (kind == CALIB_ROOM ? ROOM_WINDOW : TAKE_WINDOW);
    }
    *at = s->listen_end + AFTER_PROMPT;
    return FC_OK;
}

int calib_timeline(const calib_config *cfg, tts_t *tts, calib_slot *slots, int max)
{
    if (cfg == NULL || tts == NULL || slots == NULL || cfg->repeats < 1 || cfg->repeats > 10)
        return FC_ERR_ARG;
    /* A microphone file hears no echo of the prompts. */
    int64_t guard = cfg->audio.in.kind == AUDIO_FILE ? 0 : ECHO_GUARD, at = 0;
    int n = 0, rc;
    char text[CALIB_TEXT_MAX];
    if ((rc = add_slot(tts, slots, &n, max, CALIB_SAY, FC_CMD_NONE, NULL,
                       "Let's tune my hearing to your voice and this room. "
                       "First, please stay quiet for a moment.", 0, &at)) < 0 ||
        (rc = add_slot(tts, slots, &n, max, CALIB_ROOM, FC_CMD_NONE, "room", "Quiet, please.", guard,
                       &at)) < 0 ||
        (rc = add_slot(tts, slots, &n, max, CALIB_SAY, FC_CMD_NONE, NULL,
                       "Thank you. Now, each time I ask, say the word once, in your normal "
                       "voice, from where you exercise.", 0, &at)) < 0)
        return rc;
    for (int r = 0; r < cfg->repeats; r++)
        for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++) {
            snprintf(text, sizeof text, "Say: %s.", fc_command_name(asked[k]));
            if ((rc = add_slot(tts, slots, &n, max, CALIB_TAKE, asked[k],
                               fc_command_name(asked[k]), text, guard, &at)) < 0)
                return rc;
        }
    if ((rc = add_slot(tts, slots, &n, max, CALIB_SAY, FC_CMD_NONE, NULL,
                       "Now some words I should not react to.", 0, &at)) < 0)
        return rc;
    for (int k = 0; k < N_OTHERS; k++) {
        snprintf(text, sizeof text, "Say: %s.", other_words[k]);
        if ((rc = add_slot(tts, slots, &n, max, CALIB_TAKE, FC_CMD_NONE,
                           other_words[k], text, guard, &at)) < 0)
            return rc;
    }
    if ((rc = add_slot(tts, slots, &n, max, CALIB_SAY, FC_CMD_NONE, NULL,
                       "That's all. One moment while I work it out.", 0, &at)) < 0)
        return rc;
    return n;
}

/* One calibration: what it has opened, and the recording. */
typedef struct {
    const calib_config *cfg;
    tts_t *tts;
    mixer_t *mixer;
    audio_t *audio;
    eventlog_t *log;
    asr_t *asr;
    calib_slot *slots;
    calib_take *takes;
    int n, nt;
    int16_t *mic;      /* captured audio by its sample number */
    size_t cap, mic_n;
    int64_t end;       /* the last sample played */
    int next_say, next_take;
} calib;

/* The runner's hook before each block: logs the prompts that start in it
 * and the takes whose recording window has closed. */
static int log_due(void *ctx, const runner_clock *clock, fc_error *err)
{
    calib *c = ctx;
    while (c->next_say < c->n && c->slots[c->next_say].say_at < clock->now + FC_FRAME) {
        const calib_slot *s = &c->slots[c->next_say++];
        int rc = events_prompt(c->log, s->say_at, s->text);
        if (rc < 0)
            return eventlog_fail(c->log, rc, err);
    }
    while (c->next_take < c->n && c->slots[c->next_take].listen_end <= clock->mic_at) {
        const calib_slot *s = &c->slots[c->next_take++];
        int rc = s->kind == CALIB_SAY ? FC_OK
                 : events_recorded(c->log, s->listen_end, s->label, s->word != FC_CMD_NONE,
                                   s->listen_at, s->listen_end);
        if (rc < 0)
            return eventlog_fail(c->log, rc, err);
    }
    return FC_OK;
}

static int keep_mic(void *ctx, int64_t at, const int16_t *mic, size_t n, fc_error *err)
{
    (void)err;
    calib *c = ctx;
    for (size_t i = 0; i < n; i++)
        if ((size_t)at + i < c->cap)
            c->mic[at + (int64_t)i] = mic[i];
    c->mic_n = (size_t)at + n < c->cap ? (size_t)at + n : c->cap;
    return FC_OK;
}

static bool interrupted(const calib *c)
{
    return c->cfg->interrupted && *c->cfg->interrupted;
}

static bool played_all(void *ctx, const runner_clock *clock)
{
    const calib *c = ctx;
    return clock->now >= c->end || interrupted(c);
}

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* The prompts on the mixer, the recogniser at the shipped tuning, the
 * recording buffer and the log. */
static int prepare(calib *c, fc_error *err)
{
    const calib_config *cfg = c->cfg;
    int rc;
    if ((c->slots = calloc(CALIB_MAX_SLOTS, sizeof *c->slots)) == NULL ||
        (c->takes = calloc(CALIB_MAX_SLOTS, sizeof *c->takes)) == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory");
    if ((rc = tts_create(&cfg->voice, &c->tts, err)) < 0)
        return rc;
    if ((c->n = rc = calib_timeline(cfg, c->tts, c->slots, CALIB_MAX_SLOTS)) < 0)
        return fc_fail(err, rc, "could not prepare the prompts: %s", fc_strerror(rc));
    /* The recogniser starts from the shipped tuning, never from an earlier
     * calibration, so "before" is always the default. */
    asr_config acfg = asr_config_default();
    acfg.grammar_dir = cfg->grammar_dir;
    fc_error why = {0};
    if ((rc = asr_create(&acfg, &c->asr, &why)) < 0)
        return fc_fail(err, rc, "the recogniser could not start: %s; check %s and that the "
                       "pocketsphinx-en-us package is installed", fc_error_message(&why),
                       cfg->grammar_dir ? cfg->grammar_dir : "grammars");
    if ((rc = mixer_create(&c->mixer)) < 0)
        return fc_fail(err, rc, "out of memory");
    for (int i = 0; i < c->n; i++) {
        tts_clip clip;
        if ((rc = tts_get(c->tts, c->slots[i].text, TTS_STYLE_NARRATION, 0, &clip)) < 0 ||
            (rc = mixer_add(c->mixer, c->slots[i].say_at, clip.pcm, clip.n, false)) < 0)
            return fc_fail(err, rc, "could not prepare the prompts: %s", fc_strerror(rc));
    }
    c->end = c->slots[c->n - 1].listen_end + FC_MS(500);
    c->cap = (size_t)c->end;
    if ((c->mic = calloc(c->cap, sizeof *c->mic)) == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory");
    if ((rc = eventlog_open(cfg->events_path, false, &c->log, err)) < 0)
        return rc;
    audio_config au = cfg->audio;
    au.filter.apply = NULL;
    return audio_open(&au, &c->audio, err);
}

/* Plays the prompts and records the answers. */
static int record(calib *c, fc_error *err)
{
    runner_clock clock = {0, 0};
    runner_config rcfg = {c->audio, c->mixer, NULL, {log_due, keep_mic, played_all, c}};
    int rc;
    if ((rc = events_start_calibration(c->log, c->cfg->voice.name, c->cfg->repeats)) < 0)
        return eventlog_fail(c->log, rc, err);
    if ((rc = runner_run(&rcfg, &clock, err)) < 0)
        return fc_fail_default(err, rc, "cannot write the event log");
    if (interrupted(c)) {
        c->end = clock.now;
        return fc_fail(err, FC_ERR_INTERRUPTED, "interrupted: nothing was saved");
    }
    /* Tuning takes some seconds; a device left waiting meanwhile would
     * underrun, so it is closed and opened again for the answer. */
    audio_close(c->audio);
    c->audio = NULL;
    return FC_OK;
}

/* Cuts the recording into the room's quiet moment and the takes. */
static void collect(calib *c, const int16_t **room, size_t *room_n)
{
    *room = NULL;
    *room_n = 0;
    for (int i = 0; i < c->n; i++) {
        const calib_slot *s = &c->slots[i];
        if (s->kind == CALIB_SAY || (size_t)s->listen_at >= c->mic_n)
            continue;
        size_t len = (size_t)(s->listen_end - s->listen_at);
        if ((size_t)s->listen_at + len > c->mic_n)
            len = c->mic_n - (size_t)s->listen_at;
        if (s->kind == CALIB_ROOM) {
            *room = c->mic + s->listen_at;
            *room_n = len;
        } else {
            calib_take *t = &c->takes[c->nt++];
            t->word = s->word;
            t->text = s->text;
            t->pcm = c->mic + s->listen_at;
            t->n = len;
        }
    }
}

/* Tunes on the takes; refuses a result built on silence. */
static int tune(calib *c, calib_result *out, const char **reason, fc_error *err)
{
    const int16_t *room;
    size_t room_n;
    int rc;
    collect(c, &room, &room_n);
    if (c->nt == 0) {
        *reason = "no speech";
        return fc_fail(err, FC_ERR_IO, "the microphone delivered no sound; check it with "
                       "'floorcoach listen'");
    }
    if ((rc = calib_tune(c->asr, c->takes, c->nt, room, room_n, c->cfg->max_bias, out)) < 0)
        return fc_fail(err, rc, "tuning failed: %s", fc_strerror(rc));
    if (out->silent * 4 > c->nt) {
        *reason = "no speech";
        return fc_fail(err, FC_ERR_IO, "heard nothing in %d of the %d takes, so nothing was "
                       "changed; check the microphone ('floorcoach listen' shows what it "
                       "hears), come closer, and run 'floorcoach calibrate' again", out->silent,
                       c->nt);
    }
    return FC_OK;
}

/* The answer, aloud (the user is on the floor, not at the screen), on the
 * terminal and in the log. */
static int report(calib *c, const calib_result *r, fc_error *err)
{
    const calib_config *cfg = c->cfg;
    char line[400];
    int rc;
    if ((rc = events_calibrated(c->log, c->end, r, cfg->save_path)) < 0)
        return eventlog_fail(c->log, rc, err);
    snprintf(line, sizeof line,
             "Done. Before tuning I caught %d of your %d commands; now I catch %d. "
             "I took %d of your %d other word%s for a command before, and %d now.",
             r->before.heard, r->before.commands, r->after.heard, r->before.taken,
             r->before.others, plural(r->before.others), r->after.taken);
    printf("%s\n", line);
    /* A file session's prompts are in its WAV already; only a speaker is
     * told the answer. */
    if (cfg->audio.out.kind != AUDIO_DEVICE)
        return FC_OK;
    int16_t *pcm = NULL;
    size_t len = 0;
    audio_config au = cfg->audio;
    au.in.kind = AUDIO_NONE;
    au.filter.apply = NULL;
    if ((rc = tts_render(c->tts, line, TTS_STYLE_NARRATION, &pcm, &len)) < 0 ||
        (rc = audio_open(&au, &c->audio, err)) < 0 ||
        (rc = runner_play(c->audio, pcm, len, err)) < 0)
        fc_fail_default(err, rc, "could not say the result: %s", fc_strerror(rc));
    free(pcm);
    return rc;
}

static void close_calib(calib *c)
{
    audio_close(c->audio);
    eventlog_close(c->log);
    mixer_destroy(c->mixer);
    asr_destroy(c->asr);
    tts_destroy(c->tts);
    free(c->mic);
    free(c->takes);
    free(c->slots);
}

int calib_run(const calib_config *cfg, calib_result *out, fc_error *err)
{
    calib c;
    const char *reason = "error";
    int64_t t_end = 0; /* the log's last time */
    int rc;
    if (cfg == NULL || out == NULL)
        return fc_fail(err, FC_ERR_ARG, "calibration: no configuration");
    fc_error_clear(err);
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    if (cfg->save_path && (rc = calib_save_check(cfg->save_path, cfg->save_make_folder, err)) < 0)
        return rc;
    if ((rc = prepare(&c, err)) == FC_OK && (rc = record(&c, err)) == FC_OK) {
        t_end = c.end;
        if ((rc = tune(&c, out, &reason, err)) == FC_OK && interrupted(&c))
            rc = fc_fail(err, FC_ERR_INTERRUPTED, "interrupted: nothing was saved");
        if (rc == FC_OK &&
            (cfg->save_path == NULL || (rc = calib_save(cfg->save_path, cfg->save_make_folder, out, err)) == FC_OK) &&
            (rc = report(&c, out, err)) == FC_OK)
            events_end(c.log, c.end, "calibrated", NULL);
    }
    if (rc == FC_ERR_INTERRUPTED) {
        reason = "interrupted";
        t_end = c.end;
    }
    if (rc < 0)
        events_end(c.log, t_end, reason, fc_error_message(err));
    close_calib(&c);
    return rc;
}
