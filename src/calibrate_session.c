/* calibrate_session: asks for the calibration takes aloud and records them
 * (see calibrate.h).  Like a coaching session, it runs on the sample clock:
 * every prompt is placed on the mixer at its sample, and every recording
 * window is a range of captured samples. */
#define _POSIX_C_SOURCE 200809L

#include "calibrate.h"
#include "eventlog.h"
#include "fc_error.h"
#include "mixer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 160
#define CAPTURE_MAX 4096
#define MS(x) ((int64_t)(x) * AUDIO_RATE / 1000)
/* Long enough to hear the prompt, breathe and answer; short enough that
 * the whole calibration stays near two minutes. */
#define TAKE_WINDOW MS(3000)
#define ROOM_WINDOW MS(2000)
#define AFTER_PROMPT MS(300)  /* between a line and the next thing */
/* On devices the end of a prompt still reaches the microphone a little
 * later (output queue plus capture latency); the window starts after it so
 * that a take holds the user's word and not the coach's. */
#define ECHO_GUARD MS(300)

/* Words that are not commands but sound like one: the user's own versions
 * are the best test of what a calibration may not start taking. */
static const char *const other_words[] = { "top", "step", "neck", "text", "plain", "rain" };
#define N_OTHERS (int)(sizeof other_words / sizeof other_words[0])
static const asr_word asked[] = { ASR_WORD_STOP, ASR_WORD_PAIN, ASR_WORD_NEXT,
                                  ASR_WORD_REPEAT };

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

static double secs(int64_t s)
{
    return (double)((s * 1000 + AUDIO_RATE / 2) / AUDIO_RATE) / 1000.0;
}

/* Appends a slot that says `text` at *at and, for ROOM and TAKE, records a
 * window after it; moves *at past it. */
static int add_slot(tts_t *tts, calib_slot *slots, int *n, int max, calib_slot_kind kind,
                    asr_word word, const char *label, const char *text, int64_t guard,
                    int64_t *at)
{
    if (*n >= max)
        return FC_ERR_FULL;
    calib_slot *s = &slots[(*n)++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->word = word;
    s->label = label;
    snprintf(s->text, sizeof s->text, "%s", text);
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
    int64_t guard = cfg->audio.in_file ? 0 : ECHO_GUARD, at = 0;
    int n = 0, rc;
    char text[96];
    if ((rc = add_slot(tts, slots, &n, max, CALIB_SAY, ASR_WORD_NONE, NULL,
                       "Let's tune my hearing to your voice and this room. "
                       "First, please stay quiet for a moment.", 0, &at)) < 0 ||
        (rc = add_slot(tts, slots, &n, max, CALIB_ROOM, ASR_WORD_NONE, "room", "Quiet, please.", guard,
                       &at)) < 0 ||
        (rc = add_slot(tts, slots, &n, max, CALIB_SAY, ASR_WORD_NONE, NULL,
                       "Thank you. Now, each time I ask, say the word once, in your normal "
                       "voice, from where you exercise.", 0, &at)) < 0)
        return rc;
    for (int r = 0; r < cfg->repeats; r++)
        for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++) {
            snprintf(text, sizeof text, "Say: %s.", asr_word_name(asked[k]));
            if ((rc = add_slot(tts, slots, &n, max, CALIB_TAKE, asked[k],
                               asr_word_name(asked[k]), text, guard, &at)) < 0)
                return rc;
        }
    if ((rc = add_slot(tts, slots, &n, max, CALIB_SAY, ASR_WORD_NONE, NULL,
                       "Now some words I should not react to.", 0, &at)) < 0)
        return rc;
    for (int k = 0; k < N_OTHERS; k++) {
        snprintf(text, sizeof text, "Say: %s.", other_words[k]);
        if ((rc = add_slot(tts, slots, &n, max, CALIB_TAKE, ASR_WORD_NONE,
                           other_words[k], text, guard, &at)) < 0)
            return rc;
    }
    if ((rc = add_slot(tts, slots, &n, max, CALIB_SAY, ASR_WORD_NONE, NULL,
                       "That's all. One moment while I work it out.", 0, &at)) < 0)
        return rc;
    return n;
}

/* Plays [from, until) of the mixer's timeline and records the capture into
 * mic[0..cap) by its sample number. */
static int play(audio_t *audio, mixer_t *mixer, eventlog_t *log, const calib_slot *slots, int n,
                int64_t until, int16_t *mic, size_t cap, size_t *mic_n, char *err, size_t errlen)
{
    int16_t out[BLOCK], in[CAPTURE_MAX];
    int64_t now = 0, mic_at = 0;
    int next_say = 0, next_take = 0, rc;
    while (now < until) {
        while (next_say < n && slots[next_say].say_at < now + BLOCK) {
            const calib_slot *s = &slots[next_say++];
            if ((rc = eventlog_write(log, s->say_at, "say", "s:s", "text", s->text)) < 0)
                return rc;
        }
        while (next_take < n && slots[next_take].listen_end <= mic_at) {
            const calib_slot *s = &slots[next_take++];
            if (s->kind == CALIB_SAY)
                continue;
            rc = eventlog_write(log, s->listen_end, "recorded", "s:s, s:b, s:f, s:f", "word",
                                s->label, "command", s->word != ASR_WORD_NONE, "start",
                                secs(s->listen_at), "end", secs(s->listen_end));
            if (rc < 0)
                return rc;
        }
        mixer_render(mixer, now, out, BLOCK);
        size_t got = 0;
        if ((rc = audio_exchange(audio, out, BLOCK, in, CAPTURE_MAX, &got, err, errlen)) < 0)
            return rc;
        for (size_t i = 0; i < got; i++, mic_at++)
            if ((size_t)mic_at < cap)
                mic[mic_at] = in[i];
        now += BLOCK;
    }
    *mic_n = (size_t)mic_at < cap ? (size_t)mic_at : cap;
    return FC_OK;
}

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

int calib_run(const calib_config *cfg, calib_result *out, char *err, size_t errlen)
{
    tts_t *tts = NULL;
    mixer_t *mixer = NULL;
    audio_t *audio = NULL;
    eventlog_t *log = NULL;
    asr_t *asr = NULL;
    int16_t *mic = NULL;
    calib_slot *slots = NULL;
    calib_take *takes = NULL;
    char line[400];
    const char *reason = "error";
    int rc, n, nt = 0;
    size_t mic_n = 0;
    int64_t t_end = 0; /* the log's last time */

    if (cfg == NULL || out == NULL)
        return FC_ERR_ARG;
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    if ((slots = calloc(CALIB_MAX_SLOTS, sizeof *slots)) == NULL ||
        (takes = calloc(CALIB_MAX_SLOTS, sizeof *takes)) == NULL) {
        rc = FC_ERR_NOMEM;
        goto fail;
    }
    if ((rc = tts_create(&cfg->voice, &tts)) < 0) {
        snprintf(err, errlen, "%s", tts_last_error());
        goto fail;
    }
    if ((n = rc = calib_timeline(cfg, tts, slots, CALIB_MAX_SLOTS)) < 0) {
        snprintf(err, errlen, "could not prepare the prompts: %s", fc_strerror(rc));
        goto fail;
    }
    /* The recogniser starts from the shipped tuning, never from an earlier
     * calibration, so "before" is always the default. */
    asr_config acfg = asr_config_default();
    acfg.grammar_dir = cfg->grammar_dir;
    if ((rc = asr_create(&acfg, &asr)) < 0) {
        snprintf(err, errlen, "the recogniser could not start (%s); check %s and that the "
                 "pocketsphinx-en-us package is installed", fc_strerror(rc),
                 cfg->grammar_dir ? cfg->grammar_dir : "grammars");
        goto fail;
    }
    if ((rc = mixer_create(&mixer)) < 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        tts_clip clip;
        if ((rc = tts_get(tts, slots[i].text, TTS_STYLE_NARRATION, 0, &clip)) < 0 ||
            (rc = mixer_add(mixer, slots[i].say_at, clip.pcm, clip.n, false)) < 0) {
            snprintf(err, errlen, "could not prepare the prompts: %s", fc_strerror(rc));
            goto fail;
        }
    }
    int64_t end = slots[n - 1].listen_end + MS(500);
    size_t cap = (size_t)end;
    if ((mic = calloc(cap, sizeof *mic)) == NULL) {
        rc = FC_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if ((rc = eventlog_open(cfg->events_path, AUDIO_RATE, &log)) < 0) {
        snprintf(err, errlen, "%s: cannot write the event log; check the folder exists and is "
                 "writable", cfg->events_path);
        log = NULL;
        goto fail;
    }
    audio_config au = cfg->audio;
    au.want_input = au.in_file == NULL;
    au.room = NULL;
    if ((rc = audio_open(&au, &audio, err, errlen)) < 0)
        goto fail;
    if ((rc = eventlog_write(log, 0, "start", "s:s, s:s, s:i", "what", "calibration",
                             "voice", cfg->voice.name, "takes", cfg->repeats)) < 0 ||
        (rc = play(audio, mixer, log, slots, n, end, mic, cap, &mic_n, err, errlen)) < 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "cannot write the event log");
        goto fail;
    }
    t_end = end;
    /* Tuning takes some seconds; a device left waiting meanwhile would
     * underrun, so it is closed and opened again for the answer. */
    audio_close(audio);
    audio = NULL;

    const int16_t *room = NULL;
    size_t room_n = 0;
    for (int i = 0; i < n; i++) {
        const calib_slot *s = &slots[i];
        if (s->kind == CALIB_SAY || (size_t)s->listen_at >= mic_n)
            continue;
        size_t len = (size_t)(s->listen_end - s->listen_at);
        if ((size_t)s->listen_at + len > mic_n)
            len = mic_n - (size_t)s->listen_at;
        if (s->kind == CALIB_ROOM) {
            room = mic + s->listen_at;
            room_n = len;
        } else {
            takes[nt].word = s->word;
            takes[nt].text = s->text;
            takes[nt].pcm = mic + s->listen_at;
            takes[nt].n = len;
            nt++;
        }
    }
    if (nt == 0) {
        rc = FC_ERR_IO;
        snprintf(err, errlen, "the microphone delivered no sound; check it with "
                 "'floorcoach listen'");
        reason = "no speech";
        goto fail;
    }
    if ((rc = calib_tune(asr, takes, nt, room, room_n, cfg->max_bias, out)) < 0) {
        snprintf(err, errlen, "tuning failed: %s", fc_strerror(rc));
        goto fail;
    }
    if (out->silent * 4 > nt) {
        rc = FC_ERR_IO;
        snprintf(err, errlen, "heard nothing in %d of the %d takes, so nothing was changed; "
                 "check the microphone ('floorcoach listen' shows what it hears), come "
                 "closer, and run 'floorcoach calibrate' again", out->silent, nt);
        reason = "no speech";
        goto fail;
    }
    if (cfg->save_path != NULL && (rc = calib_save(cfg->save_path, out, err, errlen)) < 0)
        goto fail;
    rc = eventlog_write(log, end, "calibrated",
                        "s:{s:f, s:f, s:f, s:f}, s:{s:i, s:i, s:i, s:i, s:i}, "
                        "s:{s:i, s:i, s:i, s:i, s:i}, s:i, s:s?",
                        "bias", "stop", out->bias[ASR_WORD_STOP], "pain", out->bias[ASR_WORD_PAIN],
                        "next", out->bias[ASR_WORD_NEXT], "repeat", out->bias[ASR_WORD_REPEAT],
                        "before", "commands", out->before.commands, "heard", out->before.heard,
                        "wrong", out->before.wrong, "others", out->before.others, "taken",
                        out->before.taken,
                        "after", "commands", out->after.commands, "heard", out->after.heard,
                        "wrong", out->after.wrong, "others", out->after.others, "taken",
                        out->after.taken,
                        "silent", out->silent, "saved", cfg->save_path);
    if (rc < 0) {
        snprintf(err, errlen, "cannot write the event log");
        goto fail;
    }

    /* The answer, aloud: the user is on the floor, not at the screen. */
    snprintf(line, sizeof line,
             "Done. Before tuning I caught %d of your %d commands; now I catch %d. "
             "I took %d of your %d other word%s for a command before, and %d now.",
             out->before.heard, out->before.commands, out->after.heard, out->before.taken,
             out->before.others, plural(out->before.others), out->after.taken);
    printf("%s\n", line);
    /* A file session's prompts are in its WAV already; only a speaker is
     * told the answer. */
    if (cfg->audio.out_file == NULL && !cfg->audio.no_output) {
        int16_t *pcm = NULL, in[CAPTURE_MAX], block[BLOCK];
        size_t len = 0;
        audio_config au2 = cfg->audio;
        au2.want_input = false;
        au2.in_file = NULL;
        au2.room = NULL;
        if ((rc = tts_render(tts, line, TTS_STYLE_NARRATION, &pcm, &len)) < 0 ||
            (rc = audio_open(&au2, &audio, err, errlen)) < 0) {
            free(pcm);
            if (err[0] == '\0')
                snprintf(err, errlen, "could not say the result: %s", fc_strerror(rc));
            goto fail;
        }
        for (size_t off = 0; off < len && rc >= 0; off += BLOCK) {
            size_t m = len - off < BLOCK ? len - off : BLOCK, got;
            memset(block, 0, sizeof block);
            memcpy(block, pcm + off, m * sizeof *block);
            rc = audio_exchange(audio, block, BLOCK, in, CAPTURE_MAX, &got, err, errlen);
        }
        free(pcm);
        if (rc < 0)
            goto fail;
    }
    eventlog_write(log, end, "end", "s:s", "reason", "calibrated");
    rc = FC_OK;
    goto done;

fail:
    if (log != NULL)
        eventlog_write(log, t_end, "end", "s:s, s:s", "reason", reason, "detail", err);
done:
    audio_close(audio);
    eventlog_close(log);
    mixer_destroy(mixer);
    asr_destroy(asr);
    tts_destroy(tts);
    free(mic);
    free(takes);
    free(slots);
    return rc;
}
