/* hearing: two detectors, one decision. PocketSphinx (asr.h) and the
 * learned keyword detector (kws.h) both listen to every sample; this module
 * combines what they say into the commands the coach acts on, with the
 * same asr_heard results and the same calling convention as asr_process.
 *
 * The rules (mode HEARING_FUSED), per command word w, on the detector's
 * probability p(w) every 80 ms:
 *  - fire: p(w) >= fire[w] is heard at once, whatever the decoder says or
 *    has not yet said (the detector does not need the voice detector to
 *    find the word, and it decides 30-300 ms after the word's end);
 *  - probe: when p(w) first reaches probe[w] (below fire), the decoder is
 *    asked about the last 1.5 s as one utterance (asr_decode_window),
 *    whatever its voice detector made of them; if it says w, w is heard,
 *    so the pair hears words in noise that neither is sure of alone (off
 *    as shipped: the decode costs too much reaction time, bench/README.md);
 *  - confirm: a word the decoder heard is believed when the detector's
 *    p(w) reached confirm[w] around the word's end, and dropped otherwise,
 *    so the decoder alone never acts on noise, echo or a look-alike;
 *  - unsure, for "stop" and "pain" only: when the evidence is real but below
 *    the line for acting (the detector's p(w) >= unsure[w] and no probe
 *    said yes, or the decoder heard w and the detector gave it at least
 *    doubt[w]), the word is reported with asr_heard.unsure, and the coach
 *    pauses;
 *  - context: while the coach's own voice may be in the microphone
 *    (hearing_set_talking), a second set of thresholds applies: its
 *    residual echo, mixed with household noise, is heard as "stop" or
 *    "pain" by the decoder with weak support from the detector, so then the
 *    decoder needs more support to act, the weakest support gives no
 *    pause, and what lies between still pauses;
 *  - one utterance gives one result: after a report, the same word from
 *    either detector within REFRACTORY is the same utterance.
 * HEARING_ASR and HEARING_KWS run one detector alone (for the bench: each
 * part's gain is measured against the whole).
 *
 * One thread owns a handle (the listener's); creation may happen anywhere. */
#ifndef FLOORCOACH_HEARING_H
#define FLOORCOACH_HEARING_H

#include "asr.h"
#include "kws.h"

typedef enum {
    HEARING_FUSED = 0, /* both (the default, and what the coach runs) */
    HEARING_ASR,       /* PocketSphinx alone, as before the detector */
    HEARING_KWS        /* the learned detector alone */
} hearing_mode;

/* The decision's thresholds, per command (index fc_command; [FC_CMD_NONE]
 * unused), as probabilities of the detector's head. */
typedef struct {
    double fire[FC_CMD_COUNT];
    double confirm[FC_CMD_COUNT];
    double unsure[FC_CMD_COUNT];  /* stop and pain only; > 1 disables */
    double doubt[FC_CMD_COUNT];   /* stop and pain only; > 1 disables */
    double probe[FC_CMD_COUNT];   /* > 1 disables */
} hearing_tuning;

typedef struct {
    asr_config asr;
    kws_config kws;
    hearing_mode mode;
    hearing_tuning tuning;   /* while the coach is quiet */
    hearing_tuning talking;  /* while it talks */
} hearing_config;

typedef struct hearing hearing_t;

/* Any thread. The defaults: both detectors from the data directory, fused,
 * with the thresholds tuned on the corpus's dev split (bench/README.md). */
hearing_config hearing_config_default(void);

/* Any thread. Starts the detectors the mode needs. Returns 0, or the
 * negative fc_err of the one that failed with its detail in err (a missing
 * keyword model is FC_ERR_MODEL naming the file and `make deps`). */
int hearing_create(const hearing_config *cfg, hearing_t **out, fc_error *err);

/* Any thread, once the handle is no longer used. Accepts NULL. */
void hearing_destroy(hearing_t *h);

/* Owner thread. As asr_process: audio whose first sample is session sample
 * at; fills up to max results decided while processing it and returns how
 * many, or a negative fc_err. A gap in the clock starts both detectors
 * afresh. */
int hearing_process(hearing_t *h, int64_t at, const int16_t *pcm, size_t n, asr_heard *out,
                    int max);

/* Owner thread. Whether the coach has been talking within the detector's
 * context (the listener knows, from what was played); applies from the
 * next call of hearing_process. */
void hearing_set_talking(hearing_t *h, bool talking);

/* Owner thread. Forgets the stream in both detectors. */
void hearing_reset(hearing_t *h);

#endif
