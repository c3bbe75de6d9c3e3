#include "tts.h"

#include "fc_clock.h"
#include "fc_error.h"
#include "resampler.h"

#include <espeak-ng/espeak_ng.h>
#include <signal.h>
#include <espeak-ng/speak_lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this absolute amplitude (about -50 dBFS) a sample counts as silence
 * when trimming; eSpeak NG's silence is digital zero, so this only has to
 * ignore the resampler's ringing. */
#define TRIM_THRESHOLD 100
/* A line that cannot be made short enough fades out over its last 10 ms. */
#define FIT_FADE ((size_t)FC_MS(10))
/* No clip goes above -1 dBFS (full scale 32767 times 10^(-1/20)). */
#define PEAK_LIMIT 29204
/* The end of a hold is unmistakable without counting along: the last
 * counts carry a short tone from their onset (so the count still starts on
 * its mark), and "release" a rising two-note chime. */
#define CUE_TONE_HZ 880.0
#define RELEASE_LOW_HZ 660.0
#define RELEASE_HIGH_HZ 990.0
#define TONE_SAMPLES ((size_t)FC_MS(90))
#define TONE_AMPLITUDE 6000.0 /* about -15 dBFS: heard under the voice, not over it */

typedef struct {
    char *text;
    tts_style style;
    size_t max_samples;
    int16_t *pcm;
    size_t n;
    bool sped;
} cache_entry;

struct tts {
    voice_profile voice;
    int espeak_rate;
    cache_entry *cache;
    size_t n_cache, cap_cache;
    /* Render scratch at eSpeak's own rate, grown as needed. */
    int16_t *raw;
    size_t n_raw, cap_raw;
    int raw_oom;
    const volatile sig_atomic_t *interrupt; /* tts_set_interrupt */
    int raw_interrupted;
};

static int on_synth(short *wav, int numsamples, espeak_EVENT *events)
{
    tts_t *tts = events ? events->user_data : NULL;
    if (!tts || !wav || numsamples <= 0)
        return 0;
    if (tts->interrupt && *tts->interrupt) {
        tts->raw_interrupted = 1;
        return 1; /* non-zero asks eSpeak NG to abort synthesis */
    }
    if (tts->n_raw + (size_t)numsamples > tts->cap_raw) {
        size_t cap = tts->cap_raw ? tts->cap_raw : 65536;
        while (cap < tts->n_raw + (size_t)numsamples)
            cap *= 2;
        int16_t *grown = realloc(tts->raw, cap * sizeof *grown);
        if (!grown) {
            tts->raw_oom = 1;
            return 1; /* non-zero asks eSpeak NG to abort synthesis */
        }
        tts->raw = grown;
        tts->cap_raw = cap;
    }
    memcpy(tts->raw + tts->n_raw, wav, (size_t)numsamples * sizeof *wav);
    tts->n_raw += (size_t)numsamples;
    return 0;
}

/* eSpeak NG cannot be initialised again after espeak_ng_Terminate() (the
 * second Terminate deadlocks on its internal thread), so it is set up once
 * per process and shut down at exit. */
static int init_espeak(fc_error *err)
{
    static int state; /* 0: not tried, 1: ready, -1: failed */
    /* Why it failed, told again to every later caller: like eSpeak NG's
     * own state, this is the process's, not a handle's. */
    static char why[FC_ERROR_DETAIL_MAX];
    if (state)
        return state > 0 ? FC_OK : fc_fail(err, FC_ERR_MODEL, "%s", why);
    state = -1;
    espeak_ng_InitializePath(NULL);
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
    if (st != ENS_OK) {
        char msg[160];
        espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
        snprintf(why, sizeof why,
                 "eSpeak NG could not start (%s); install the espeak-ng-data package", msg);
        espeak_ng_ClearErrorContext(&ctx);
        return fc_fail(err, FC_ERR_MODEL, "%s", why);
    }
    if (espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL) != ENS_OK) {
        snprintf(why, sizeof why, "eSpeak NG could not set up synchronous output");
        return fc_fail(err, FC_ERR_MODEL, "%s", why);
    }
    espeak_SetSynthCallback(on_synth);
    atexit((void (*)(void))espeak_ng_Terminate);
    state = 1;
    return FC_OK;
}

int tts_create(const voice_profile *voice, tts_t **out, fc_error *err)
{
    int rc = FC_ERR_MODEL;
    tts_t *tts = calloc(1, sizeof *tts);
    *out = NULL;
    if (!tts)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory starting speech synthesis");
    tts->voice = *voice;

    if ((rc = init_espeak(err)) < 0)
        goto fail;
    if (espeak_ng_SetVoiceByName(voice->espeak_voice) != ENS_OK) {
        rc = fc_fail(err, FC_ERR_MODEL, "eSpeak NG has no voice '%s' (voice profile '%s'); "
                     "list them with 'espeak-ng --voices=en'", voice->espeak_voice, voice->name);
        goto fail;
    }
    tts->espeak_rate = espeak_ng_GetSampleRate();
    /* eSpeak NG's parameters are process-global and outlive a voice
     * change; set every one we rely on, or a previous profile leaks in. */
    espeak_SetParameter(espeakVOLUME, voice->volume, 0);
    espeak_SetParameter(espeakRANGE, 50, 0);
    espeak_SetParameter(espeakWORDGAP, 0, 0);
    espeak_SetParameter(espeakPUNCTUATION, espeakPUNCT_NONE, 0);
    espeak_SetParameter(espeakCAPITALS, 0, 0);
    *out = tts;
    return FC_OK;
fail:
    tts_destroy(tts);
    return rc;
}

void tts_destroy(tts_t *tts)
{
    if (!tts)
        return;
    for (size_t i = 0; i < tts->n_cache; i++) {
        free(tts->cache[i].text);
        free(tts->cache[i].pcm);
    }
    free(tts->cache);
    free(tts->raw);
    free(tts);
}

/* Renders into a fresh malloc'd 16 kHz buffer, trimmed of silence. */
/* eSpeak NG's loudest syllables reach full scale (and the resampler's
 * ringing past it): a clip that peaks above PEAK_LIMIT is scaled down to
 * it, so the speaker's amplifier always has 1 dB in hand. */
static void limit_peak(int16_t *pcm, size_t n)
{
    int peak = 0;
    for (size_t i = 0; i < n; i++)
        if (abs(pcm[i]) > peak)
            peak = abs(pcm[i]);
    if (peak <= PEAK_LIMIT)
        return;
    double gain = (double)PEAK_LIMIT / peak;
    for (size_t i = 0; i < n; i++)
        pcm[i] = (int16_t)lrint(pcm[i] * gain);
}

/* Adds a tone of hz with a raised-cosine envelope to pcm[from, from +
 * TONE_SAMPLES), as far as the clip goes. */
static void add_tone(int16_t *pcm, size_t n, size_t from, double hz)
{
    for (size_t i = 0; i < TONE_SAMPLES && from + i < n; i++) {
        double env = 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)TONE_SAMPLES);
        double v = pcm[from + i] + TONE_AMPLITUDE * env * sin(2 * M_PI * hz * (double)i / FC_RATE);
        pcm[from + i] = (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
    }
}

static void add_cue(int16_t *pcm, size_t n, tts_style style)
{
    if (style == TTS_STYLE_CUE) {
        add_tone(pcm, n, 0, CUE_TONE_HZ);
    } else if (style == TTS_STYLE_RELEASE) {
        add_tone(pcm, n, 0, RELEASE_LOW_HZ);
        add_tone(pcm, n, TONE_SAMPLES, RELEASE_HIGH_HZ);
    }
}

static int render(tts_t *tts, const char *text, tts_style style, int rate, int16_t **pcm,
                  size_t *n)
{
    int rc = FC_ERR_NOMEM;
    resampler_t *rs = NULL;
    int16_t *out = NULL;

    espeak_SetParameter(espeakRATE, rate, 0);
    espeak_SetParameter(espeakPITCH,
                        style == TTS_STYLE_NARRATION ? tts->voice.pitch : tts->voice.cue_pitch, 0);
    tts->n_raw = 0;
    tts->raw_oom = 0;
    tts->raw_interrupted = 0;
    espeak_ng_STATUS st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
                                               espeakCHARS_UTF8, NULL, tts);
    if (tts->raw_oom)
        goto fail;
    if (tts->raw_interrupted) {
        rc = FC_ERR_INTERRUPTED;
        goto fail;
    }
    if (st != ENS_OK) {
        rc = FC_ERR_MODEL;
        goto fail;
    }
    /* Pad with silence so the resampler's filter delay flushes the tail. */
    static const int16_t zeros[256];
    espeak_EVENT ev = {.user_data = tts};
    on_synth((short *)zeros, 256, &ev);
    if (tts->raw_oom)
        goto fail;

    rc = resampler_create(tts->espeak_rate, FC_RATE, 6, &rs);
    if (rc < 0)
        goto fail;
    size_t cap = resampler_max_output(rs, tts->n_raw);
    out = malloc((cap ? cap : 1) * sizeof *out);
    rc = FC_ERR_NOMEM;
    if (!out)
        goto fail;
    size_t len = resampler_process(rs, tts->raw, tts->n_raw, out, cap);

    size_t first = 0, last = len;
    while (first < len && abs(out[first]) < TRIM_THRESHOLD)
        first++;
    while (last > first && abs(out[last - 1]) < TRIM_THRESHOLD)
        last--;
    memmove(out, out + first, (last - first) * sizeof *out);
    *n = last - first;
    add_cue(out, *n, style);
    limit_peak(out, *n);
    *pcm = out;
    out = NULL;
    rc = FC_OK;
fail:
    free(out);
    resampler_destroy(rs);
    return rc;
}

void tts_set_interrupt(tts_t *tts, const volatile sig_atomic_t *flag)
{
    tts->interrupt = flag;
}

int tts_render(tts_t *tts, const char *text, tts_style style, int16_t **pcm, size_t *n)
{
    *pcm = NULL;
    *n = 0;
    return render(tts, text, style, tts->voice.rate, pcm, n);
}

int tts_get(tts_t *tts, const char *text, tts_style style, size_t max_samples, tts_clip *out)
{
    for (size_t i = 0; i < tts->n_cache; i++) {
        cache_entry *e = &tts->cache[i];
        if (e->style == style && e->max_samples == max_samples && !strcmp(e->text, text)) {
            out->pcm = e->pcm;
            out->n = e->n;
            out->sped = e->sped;
            return FC_OK;
        }
    }
    if (tts->n_cache == tts->cap_cache) {
        size_t cap = tts->cap_cache ? tts->cap_cache * 2 : 64;
        cache_entry *grown = realloc(tts->cache, cap * sizeof *grown);
        if (!grown)
            return FC_ERR_NOMEM;
        tts->cache = grown;
        tts->cap_cache = cap;
    }
    cache_entry e = {strdup(text), style, max_samples, NULL, 0, false};
    if (!e.text)
        return FC_ERR_NOMEM;
    int rate = max_samples ? voice_count_rate(&tts->voice) : tts->voice.rate;
    for (;;) {
        int rc = render(tts, text, style, rate, &e.pcm, &e.n);
        if (rc < 0) {
            free(e.text);
            return rc;
        }
        /* 450 wpm is eSpeak NG's ceiling; past it we keep the best we have. */
        if (!max_samples || e.n <= max_samples || rate >= 450)
            break;
        free(e.pcm);
        e.pcm = NULL;
        e.sped = true;
        rate = rate + 40 > 450 ? 450 : rate + 40;
    }
    if (max_samples && e.n > max_samples) {
        /* Even at full speed it does not fit: fade it out rather than let it
         * run over the next mark, which would blur two counts together. */
        size_t fade = max_samples < FIT_FADE ? max_samples : FIT_FADE;
        for (size_t i = 0; i < fade; i++)
            e.pcm[max_samples - fade + i] =
                (int16_t)(e.pcm[max_samples - fade + i] * (double)(fade - i) / (double)fade);
        e.n = max_samples;
    }
    tts->cache[tts->n_cache++] = e;
    out->pcm = e.pcm;
    out->n = e.n;
    out->sped = e.sped;
    return FC_OK;
}
