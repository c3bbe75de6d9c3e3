/* echo_gate: the echo canceller and the policy around it (see
 * echo_gate.h). Its FLOORCOACH_DEBUG lines still say "listener:", as the
 * README documents them: the listener is where a user meets them. */
#include "echo_gate.h"

#include "echo_delay.h"
#include "energy.h"
#include "fc_clock.h"
#include "fc_error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define HISTORY 1024 /* frames of energy kept: 10 s */
#define MS_PER_FRAME (1000 / FC_FRAMES_PER_SECOND)
/* The gate. While the coach talks, a word is only believed if the cleaned
 * microphone carried at least a share of the energy the speaker played over
 * the same stretch (at the echo path's delay). A user who speaks over the
 * coach stays within about 10 dB of it; the canceller's residual sits at
 * minus its current ERLE, which starts near 0 dB and grows to 30-50 dB as
 * it converges. So the line is drawn GATE_MARGIN_DB above the residual, and
 * never lower than GATE_MIN_DB nor higher than GATE_MAX_DB: strict while
 * the canceller learns, then open. */
#define GATE_MARGIN_DB 8.0
#define GATE_MIN_DB (-20.0)
#define GATE_MAX_DB (-3.0)
#define ERLE_SMOOTHING 0.02 /* per frame: a time constant of 0.5 s */
#define GATE_SPREAD 5       /* frames either side of the echo delay (reverberation, jitter) */
/* A frame whose cleaned energy is this many times the ERLE's prediction is
 * the user talking over the coach (6 dB), not the canceller failing. */
#define TALKING_OVER 4
/* Residual suppression: amplitude divided by this (30 dB; power by its square). */
#define RESIDUAL_DIVISOR 32
/* Echo delay measurement on devices: over the first MEASURE_FRAMES frames of
 * narration, lags up to MAX_LAG frames; until it is known, no word spoken
 * while the coach talks is believed (the canceller may not be aligned). */
#define MEASURE_FRAMES 200
#define MAX_LAG 100
#define MIN_CONFIDENCE 0.6
#define MEASURE_EVERY 50 /* frames between checks of the delay: half a second */
/* Then it is tracked: re-estimated over every further MEASURE_FRAMES of
 * narration, because it can change mid-session (PulseAudio moving a stream
 * to another device, a Bluetooth speaker renegotiating, an underrun that
 * shifts the capture against the playback). Envelope estimates jitter by a
 * few frames, so a change counts only beyond RETRACK_TOLERANCE frames and
 * when two estimates in a row agree on it: the user talking over the coach
 * can spoil one. */
#define RETRACK_TOLERANCE 3
/* The canceller's 200 ms filter (20 frames) is centred on the delay; it is
 * only rebuilt when the echo drifts this many frames past its first half,
 * or this close to its start, since rebuilding forgets all it has learnt. */
#define FILTER_EDGE 3
#define QUIET_REF 1.0e4 /* mean square below this (-50 dBFS): the coach is silent */
/* ERLE is only learnt from frames whose echo is this much louder (10 dB). */
#define ERLE_REF_MIN (10 * QUIET_REF)
#define DEBUG_ERLE_EVERY (2 * FC_FRAMES_PER_SECOND) /* frames between ERLE reports */

struct echo_gate {
    aec_t *aec;
    aec_config cfg;
    bool gate;     /* cfg.echo: the coach's voice may be in the microphone */
    bool tracking; /* the echo delay is measured and tracked (devices) */
    bool debug;    /* FLOORCOACH_DEBUG: explain echo decisions on stderr */
    /* Mean square per frame of the cleaned mic, the raw mic and the
     * reference, by session frame number modulo HISTORY. */
    double mic_e[HISTORY], raw_e[HISTORY], ref_e[HISTORY];
    int64_t last_frame;
    int lag;                 /* echo delay in frames; -1 while it is being measured */
    int candidate;           /* a changed delay seen once, awaiting confirmation; -1: none */
    int aec_offset;          /* frames: the canceller's delay line (its filter starts there) */
    int64_t measured_frames; /* narration frames since the last estimate */
    /* Smoothed energy of the microphone before and after the canceller, over
     * frames where the coach's echo is arriving: their ratio is the ERLE. */
    double echo_raw, echo_clean;
    double env_mic[MEASURE_FRAMES + MAX_LAG], env_ref[MEASURE_FRAMES + MAX_LAG];
};

int echo_gate_create(const aec_config *cfg, echo_gate_t **out)
{
    if (cfg == NULL || out == NULL)
        return FC_ERR_ARG;
    *out = NULL;
    echo_gate_t *g = calloc(1, sizeof *g);
    if (g == NULL)
        return FC_ERR_NOMEM;
    int rc = aec_create(cfg, &g->aec);
    if (rc < 0) {
        echo_gate_destroy(g);
        return rc;
    }
    g->cfg = *cfg;
    g->gate = cfg->echo;
    g->debug = getenv("FLOORCOACH_DEBUG") != NULL;
    /* A negative reference delay asks for it to be measured and tracked;
     * the canceller then starts with no delay line. */
    g->tracking = cfg->echo && cfg->ref_delay < 0;
    g->lag = g->tracking ? -1 : 0;
    g->candidate = -1;
    if (cfg->ref_delay > 0)
        g->lag = g->aec_offset = cfg->ref_delay / FC_FRAME;
    *out = g;
    return FC_OK;
}

void echo_gate_destroy(echo_gate_t *g)
{
    if (g == NULL)
        return;
    aec_destroy(g->aec);
    free(g);
}

int echo_gate_delay_ms(const echo_gate_t *g)
{
    return g->lag < 0 ? -1 : g->lag * MS_PER_FRAME;
}

/* The share of played energy (as a power ratio) that a frame or a word must
 * reach after echo cancelling to count as the user, for the current ERLE. */
static double gate_ratio(const echo_gate_t *g)
{
    double erle = g->echo_clean > 0 ? 10 * log10(g->echo_raw / g->echo_clean) : 0;
    double gate = -erle + GATE_MARGIN_DB;
    gate = gate < GATE_MIN_DB ? GATE_MIN_DB : gate > GATE_MAX_DB ? GATE_MAX_DB : gate;
    return pow(10, gate / 10);
}

double echo_gate_threshold_db(const echo_gate_t *g)
{
    return 10 * log10(gate_ratio(g));
}

static void track_erle(echo_gate_t *g, int64_t frame)
{
    int64_t echo_frame = frame - (g->lag < 0 ? 0 : g->lag);
    if (g->lag < 0 || echo_frame < 0 || g->ref_e[echo_frame % HISTORY] < ERLE_REF_MIN)
        return;
    double raw = g->raw_e[frame % HISTORY], clean = g->mic_e[frame % HISTORY];
    /* The user talking over the coach makes this frame's ratio look like no
     * cancelling at all; learning from it would close the gate on them. */
    if (g->echo_clean > 0 && clean * g->echo_raw > TALKING_OVER * raw * g->echo_clean)
        return;
    g->echo_raw += ERLE_SMOOTHING * (raw - g->echo_raw);
    g->echo_clean += ERLE_SMOOTHING * (clean - g->echo_clean);
}

bool echo_gate_passes(const echo_gate_t *g, int64_t start, int64_t end)
{
    if (!g->gate)
        return true;
    int64_t first = start / FC_FRAME, last = (end - 1) / FC_FRAME;
    if (last < first)
        last = first;
    /* Where the echo of the word's stretch was played: at the measured delay,
     * or anywhere in the last MAX_LAG frames while it is unknown. */
    int64_t ref_first = first - (g->lag < 0 ? MAX_LAG : g->lag + GATE_SPREAD);
    int64_t ref_last = last - (g->lag < 0 ? 0 : g->lag - GATE_SPREAD);
    if (g->last_frame - ref_first >= HISTORY || last > g->last_frame)
        return true; /* outside what we remember: do not second-guess */
    double mic = 0, ref = 0;
    for (int64_t f = first; f <= last; f++)
        mic += g->mic_e[f % HISTORY];
    for (int64_t f = ref_first; f <= ref_last; f++)
        ref += f >= 0 ? g->ref_e[f % HISTORY] : 0;
    mic /= (double)(last - first + 1);
    ref /= (double)(ref_last - ref_first + 1);
    if (ref < QUIET_REF)
        return true;
    return g->lag >= 0 && mic >= ref * gate_ratio(g);
}

/* The canceller leaves the coach's voice some 30 dB down, which on a quiet
 * microphone is still loud enough to open the recogniser's voice detector
 * and to swallow a real command into one long segment of "speech". A frame
 * whose energy is what residual echo could be (under the gate, relative to
 * what was played around the echo delay) is attenuated a further 30 dB; the
 * user's voice over the coach stays above that line and passes untouched. */
static void suppress_residual(echo_gate_t *g, int64_t frame, int16_t *mic)
{
    int lag = g->lag < 0 ? MAX_LAG : g->lag;
    int spread = g->lag < 0 ? MAX_LAG : 2 * GATE_SPREAD;
    double loudest = 0;
    for (int64_t f = frame - lag - spread; f <= frame - (g->lag < 0 ? 0 : g->lag); f++)
        if (f >= 0 && g->ref_e[f % HISTORY] > loudest)
            loudest = g->ref_e[f % HISTORY];
    if (loudest < QUIET_REF || g->mic_e[frame % HISTORY] >= loudest * gate_ratio(g))
        return;
    for (int i = 0; i < FC_FRAME; i++)
        mic[i] = (int16_t)(mic[i] / RESIDUAL_DIVISOR);
    g->mic_e[frame % HISTORY] /= RESIDUAL_DIVISOR * RESIDUAL_DIVISOR;
}

/* Rebuilds the canceller with its filter centred on `lag`, unless the
 * filter already covers it. */
static void align_canceller(echo_gate_t *g, int lag)
{
    int filter = (int)(g->cfg.filter_ms / MS_PER_FRAME);
    /* The direct echo must land early enough in the filter to leave room
     * for the room's reverberation after it. */
    if (lag >= g->aec_offset + FILTER_EDGE && lag <= g->aec_offset + filter / 2 + FILTER_EDGE)
        return; /* keep what it has learnt */
    int offset = lag > filter / 2 ? lag - filter / 2 : 0;
    if (offset == g->aec_offset)
        return;
    aec_config cfg = g->cfg;
    cfg.ref_delay = offset * FC_FRAME;
    aec_t *aligned = NULL;
    if (aec_create(&cfg, &aligned) < 0)
        return; /* keep the old one; the next estimate tries again */
    aec_destroy(g->aec);
    g->aec = aligned;
    g->aec_offset = offset;
    /* The new filter has learnt nothing yet: the gate must not keep
     * trusting the old one's echo return loss. */
    g->echo_raw = g->echo_clean = 0;
}

/* Is the new estimate the delay now, given the one believed? A change
 * must be seen twice in a row. */
static bool delay_confirmed(echo_gate_t *g, int lag)
{
    if (g->lag >= 0) {
        if (abs(lag - g->lag) <= RETRACK_TOLERANCE) {
            g->candidate = -1;
            return false;
        }
        if (g->candidate < 0 || abs(lag - g->candidate) > RETRACK_TOLERANCE) {
            g->candidate = lag;
            return false;
        }
    }
    g->candidate = -1;
    return true;
}

/* On a device pair: once enough narration has been played, find the echo
 * delay and align the canceller to it; then keep checking it. */
static void track_delay(echo_gate_t *g, int64_t frame)
{
    if (g->ref_e[frame % HISTORY] >= QUIET_REF)
        g->measured_frames++;
    if (g->measured_frames < MEASURE_FRAMES || frame < MEASURE_FRAMES + MAX_LAG ||
        frame % MEASURE_EVERY != 0)
        return;
    size_t n = MEASURE_FRAMES + MAX_LAG;
    for (size_t i = 0; i < n; i++) {
        int64_t f = frame - (int64_t)n + 1 + (int64_t)i;
        g->env_mic[i] = energy_db(g->raw_e[f % HISTORY]);
        g->env_ref[i] = energy_db(g->ref_e[f % HISTORY]);
    }
    double confidence;
    int lag = echo_delay_estimate(g->env_mic, g->env_ref, n, MAX_LAG, &confidence);
    if (g->debug)
        fprintf(stderr, "listener: echo delay candidate %d ms (correlation %.2f)\n",
                lag * MS_PER_FRAME, confidence);
    if (lag < 0 || confidence < MIN_CONFIDENCE)
        return; /* try again at the next check */
    g->measured_frames = 0;
    if (!delay_confirmed(g, lag))
        return;
    align_canceller(g, lag);
    if (g->debug)
        fprintf(stderr, "listener: echo delay %s%d ms (correlation %.2f)\n",
                g->lag >= 0 ? "changed to " : "", lag * MS_PER_FRAME, confidence);
    g->lag = lag;
}

void echo_gate_frame(echo_gate_t *g, int64_t at, const int16_t *mic, const int16_t *ref,
                     int16_t *out)
{
    int64_t frame = at / FC_FRAME;
    g->raw_e[frame % HISTORY] = energy_mean_square(mic, FC_FRAME, false);
    g->ref_e[frame % HISTORY] = energy_mean_square(ref, FC_FRAME, false);
    if (g->tracking)
        track_delay(g, frame);
    aec_process(g->aec, mic, ref, out);
    g->mic_e[frame % HISTORY] = energy_mean_square(out, FC_FRAME, false);
    g->last_frame = frame;
    if (!g->gate)
        return;
    track_erle(g, frame);
    suppress_residual(g, frame, out);
    if (g->debug && frame % DEBUG_ERLE_EVERY == 0)
        fprintf(stderr, "listener: %.0f s: echo return loss enhancement %.1f dB\n",
                frame / (double)FC_FRAMES_PER_SECOND,
                g->echo_clean > 0 ? energy_db(g->echo_raw) - energy_db(g->echo_clean) : 0);
}
