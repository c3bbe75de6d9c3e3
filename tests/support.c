#include "support.h"

#include "coach.h"
#include "fc_error.h"
#include "asr.h"
#include "routine.h"
#include "tts.h"
#include "voice.h"

#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static const char *calibration;

void support_set_calibration(const char *path)
{
    calibration = path;
}

static const char *prescription;
static bool cleared;

void support_set_prescription(const char *path, bool given_clearance)
{
    prescription = path;
    cleared = given_clearance;
}

static audio_fault fault, speaker_fault, speaker_gap;

void support_set_fault(int64_t at, int64_t len)
{
    fault = (audio_fault){at, len};
}

void support_set_speaker_fault(int64_t at, int64_t len)
{
    speaker_fault = (audio_fault){at, len};
}

void support_set_speaker_gap(int64_t at, int64_t len)
{
    speaker_gap = (audio_fault){at, len};
}

void support_run(const char *routine_path, const char *voice, const char *mic,
                 const room_config *room, rendered *out)
{
    static int serial;
    char wav[256], log[256], vpath[512];
    fc_error err = {0};
    snprintf(wav, sizeof wav, "/tmp/fc_test_%d_%d.wav", (int)getpid(), serial);
    snprintf(log, sizeof log, "/tmp/fc_test_%d_%d.jsonl", (int)getpid(), serial++);
    unlink(log); /* a record left by an earlier process of the same id is refused */
    routine_t *r = NULL;
    routine_report rep = {0};
    assert_int_equal(routine_load(routine_path, &r, &rep, NULL), FC_OK);
    routine_report_clear(&rep);
    prescription_t *rx = NULL;
    if (prescription) {
        fc_error rx_err = {0};
        if (prescription_load(prescription, r, &rx, NULL, &rx_err) < 0)
            fail_msg("%s", fc_error_message(&rx_err));
    }
    coach_config cfg = coach_config_default();
    cfg.routine = r;
    cfg.prescription = rx;
    cfg.cleared = cleared;
    snprintf(vpath, sizeof vpath, "%s/voices/%s.yaml", FC_SOURCE_DIR, voice);
    assert_int_equal(voice_load(vpath, &cfg.voice, NULL), FC_OK);
    cfg.audio.out = audio_file(wav);
    if (mic)
        cfg.audio.in = audio_file(mic);
    cfg.audio.lose_input = fault;
    cfg.audio.lose_output = speaker_fault;
    cfg.audio.speaker_gap = speaker_gap;
    cfg.room = room;
    cfg.grammar_dir = mic || room ? FC_SOURCE_DIR "/grammars" : NULL;
    cfg.events_path = log;
    cfg.calibration = calibration;
    int rc = coach_run(&cfg, &out->reason, &err);
    if (rc < 0)
        fprintf(stderr, "%s\n", fc_error_message(&err));
    assert_int_equal(rc, FC_OK);
    prescription_destroy(rx);
    routine_destroy(r);

    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(wav, SFM_READ, &info);
    assert_non_null(sf);
    assert_int_equal(info.samplerate, FC_RATE);
    out->pcm = malloc((size_t)info.frames * sizeof *out->pcm + 1);
    out->n = sf_read_short(sf, out->pcm, info.frames);
    sf_close(sf);

    support_read_log(log, out);
    if (getenv("FC_TEST_KEEP") == NULL) { /* keep them to look at a failure */
        unlink(wav);
        unlink(log);
    }
}

void support_read_log(const char *path, rendered *out)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[8192];
    out->ev = NULL;
    out->n_ev = 0;
    while (fgets(line, sizeof line, fp)) {
        json_t *o = json_loads(line, 0, NULL);
        assert_non_null(o); /* every line is one JSON object */
        out->ev = realloc(out->ev, (out->n_ev + 1) * sizeof *out->ev);
        out->ev[out->n_ev++] = o;
    }
    fclose(fp);
}

void support_release(rendered *r)
{
    for (size_t i = 0; i < r->n_ev; i++)
        json_decref(r->ev[i]);
    free(r->ev);
    free(r->pcm);
}

const char *ev_name(const json_t *o) { return json_string_value(json_object_get(o, "event")); }
double ev_t(const json_t *o) { return json_number_value(json_object_get(o, "t")); }
double ev_num(const json_t *o, const char *key) { return json_number_value(json_object_get(o, key)); }
const char *ev_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

int ev_find(const rendered *r, const char *name, int from)
{
    for (size_t i = from < 0 ? 0 : (size_t)from; i < r->n_ev; i++)
        if (!strcmp(ev_name(r->ev[i]), name))
            return (int)i;
    return -1;
}

int support_peak(const rendered *r, int64_t from, int64_t to)
{
    int p = 0;
    for (int64_t i = from < 0 ? 0 : from; i < to && i < r->n; i++)
        if (abs(r->pcm[i]) > p)
            p = abs(r->pcm[i]);
    return p;
}

void support_write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

void support_write_mic(const char *path, double seconds, const int16_t *const *clips,
                       const size_t *lens, const int64_t *at, int n)
{
    size_t total = (size_t)(seconds * FC_RATE);
    int16_t *pcm = calloc(total, sizeof *pcm);
    for (int k = 0; k < n; k++)
        for (size_t i = 0; i < lens[k] && (size_t)at[k] + i < total; i++)
            pcm[at[k] + (int64_t)i] = clips[k][i];
    SF_INFO info = {.samplerate = FC_RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    assert_true(sf_write_short(sf, pcm, (sf_count_t)total) == (sf_count_t)total);
    sf_close(sf);
    free(pcm);
}

/* `word` in the test user's voice (tests/voices/user.yaml), with its eSpeak
 * NG voice replaced by `variant` unless NULL, at `rate` wpm. */
static int16_t *user_says(const char *variant, int rate, const char *word, size_t *n)
{
    voice_profile v;
    tts_t *tts = NULL;
    int16_t *pcm = NULL;
    assert_int_equal(voice_load(FC_SOURCE_DIR "/tests/voices/user.yaml", &v, NULL), 0);
    if (variant)
        snprintf(v.espeak_voice, sizeof v.espeak_voice, "%s", variant);
    v.rate = rate;
    assert_int_equal(tts_create(&v, &tts, NULL), 0);
    assert_int_equal(tts_render(tts, word, TTS_STYLE_NARRATION, &pcm, n), 0);
    tts_destroy(tts);
    return pcm;
}

int16_t *support_say(const char *word, int rate, size_t *n)
{
    return user_says(NULL, rate, word, n);
}

asr_t *support_asr(const char *user_conf)
{
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    cfg.user_conf = user_conf;
    asr_t *asr = NULL;
    fc_error err = {0};
    if (asr_create(&cfg, &asr, &err) < 0)
        fail_msg("the recogniser could not start: %s", fc_error_message(&err));
    return asr;
}

/* Does the recogniser, on its own, hear `word` in this clip after `lead`
 * samples of silence? */
/* Does the recogniser in `mode` hear `word`, surely, in the clip after
 * `lead` samples of silence? */
static int heard_by(hearing_mode mode, const char *word, const int16_t *pcm, size_t n,
                    size_t lead)
{
    hearing_config cfg = hearing_config_default();
    cfg.asr.grammar_dir = FC_SOURCE_DIR "/grammars";
    cfg.mode = mode;
    hearing_t *hear = NULL;
    fc_error err = {0};
    if (hearing_create(&cfg, &hear, &err) < 0)
        fail_msg("the recogniser could not start: %s", fc_error_message(&err));
    size_t total = lead + n + FC_RATE;
    int16_t *buf = calloc(total + FC_FRAME, sizeof *buf);
    memcpy(buf + lead, pcm, n * sizeof *pcm);
    int found = 0;
    asr_heard h[8];
    for (size_t off = 0; off < total; off += FC_FRAME) {
        int got = hearing_process(hear, (int64_t)off, buf + off, FC_FRAME, h, 8);
        for (int i = 0; i < got; i++)
            found |= !h[i].unsure && !strcmp(fc_command_name(h[i].word), word);
    }
    free(buf);
    hearing_destroy(hear);
    return found;
}

int support_heard_after(const char *word, const int16_t *pcm, size_t n, size_t lead)
{
    /* Both: the coach's decision, and PocketSphinx alone for its own tests. */
    return heard_by(HEARING_FUSED, word, pcm, n, lead) &&
           heard_by(HEARING_ASR, word, pcm, n, lead);
}

/* A borderline clip is heard or not depending on where it falls against
 * the recogniser's 10 ms frames; a test must not depend on that, so the clip
 * has to be heard at every alignment and after short and long silences. */
static int heard_reliably(const char *word, const int16_t *pcm, size_t n)
{
    static const size_t leads[] = {FC_RATE / 2, FC_RATE / 2 + 37, FC_RATE / 2 + 80, FC_RATE / 2 + 123,
                                   3 * FC_RATE + 61, 19 * FC_RATE + 101};
    for (size_t i = 0; i < sizeof leads / sizeof leads[0]; i++)
        if (!support_heard_after(word, pcm, n, leads[i]))
            return 0;
    return 1;
}

/* The user's voices: eSpeak NG variants unlike the coach's own, in a fixed
 * order, each at three speaking rates. The learned detector is unsure of
 * "repeat" in most of them, and eSpeak NG's output varies a little with
 * what the process said before, so the list is long enough that some
 * voice is always heard (the last four were added for that). */
static const char *const variants[] = {"en-us+f1", "en-us+m3", "en-us+f2",   "en-us+m2",
                                       "en-gb-x-rp", "en-us+f4", "en+f3",    "en-us+m6",
                                       "en-us+m1", "en-us+f3", "en-gb+m4",   "en-us+m5"};
static const int rates[] = {150, 130, 170, 190, 115};
#define N_CANDIDATES (int)(sizeof variants / sizeof variants[0] * sizeof rates / sizeof rates[0])

int support_candidates(void)
{
    return N_CANDIDATES;
}

int16_t *support_synth_candidate(const char *word, int k, size_t *n)
{
    int nr = (int)(sizeof rates / sizeof rates[0]);
    if (k < 0 || k >= N_CANDIDATES)
        return NULL;
    return user_says(variants[k / nr], rates[k % nr], word, n);
}

void support_describe_candidate(const char *word, int k)
{
    int nr = (int)(sizeof rates / sizeof rates[0]);
    if (k >= 0 && k < N_CANDIDATES)
        fprintf(stderr, "  '%s' spoken by %s at %d wpm\n", word, variants[k / nr], rates[k % nr]);
}

int16_t *support_synth(const char *word, size_t *n)
{
    for (int k = 0; k < N_CANDIDATES; k++) {
        int16_t *pcm = support_synth_candidate(word, k, n);
        if (heard_reliably(word, pcm, *n)) {
            support_describe_candidate(word, k);
            return pcm;
        }
        free(pcm);
    }
    fail_msg("the recogniser hears '%s' in none of the test voices", word);
    return NULL;
}

double support_run_words(const char *routine_path, const char *const *words, const double *at,
                         int n, const room_config *room, rendered *out)
{
    return support_run_words_voice(routine_path, words, at, n, room, -1, out);
}

double support_run_words_voice(const char *routine_path, const char *const *words,
                               const double *at, int n, const room_config *room, int candidate,
                               rendered *out)
{
    char mic[128];
    snprintf(mic, sizeof mic, "/tmp/fc_mic_%d.wav", (int)getpid());
    int16_t *clips[8] = {0};
    size_t lens[8] = {0};
    int64_t pos[8] = {0};
    assert_true(n >= 1 && n <= 8);
    for (int k = 0; k < n; k++) {
        clips[k] = candidate < 0 ? support_synth(words[k], &lens[k])
                                 : support_synth_candidate(words[k], candidate, &lens[k]);
        assert_non_null(clips[k]);
        pos[k] = (int64_t)(at[k] * FC_RATE);
    }
    support_write_mic(mic, at[n - 1] + 5, (const int16_t *const *)clips, lens, pos, n);
    support_run(routine_path, "default", mic, room, out);
    unlink(mic);
    double end = (double)(pos[0] + (int64_t)lens[0]) / FC_RATE;
    for (int k = 0; k < n; k++)
        free(clips[k]);
    return end;
}

void *support_read_file(const char *path, const char *hint, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("%s is missing: %s", path, hint);
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(bytes > 0);
    void *buf = malloc((size_t)bytes);
    assert_non_null(buf);
    *len = (size_t)bytes;
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

void support_write_damaged(const char *src, const char *hint, const char *dst, size_t len,
                           size_t at, const void *poke, size_t poke_len)
{
    size_t size;
    unsigned char *whole = support_read_file(src, hint, &size);
    len = len == SUPPORT_WHOLE ? size : len;
    assert_true(len <= size && at <= len);
    unsigned char *buf = malloc(len + poke_len);
    assert_non_null(buf);
    memcpy(buf, whole, len);
    free(whole);
    if (poke_len)
        memcpy(buf + at, poke, poke_len);
    size_t out_len = at + poke_len > len ? at + poke_len : len;
    FILE *out = fopen(dst, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(buf, 1, out_len, out), out_len);
    fclose(out);
    free(buf);
}
