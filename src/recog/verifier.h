/* verifier: the second opinion on a command the decoder chose.
 *
 * The decoder explains a segment with the best word of its grammar; a
 * verifier then looks again at the same audio and the word's frames and
 * confirms the command or rejects it, with a score. The recogniser calls
 * it once for every command that survived the decoder and the word length
 * bounds, on the recogniser's owner thread, before anything is reported;
 * a rejected command is never heard, a confirmed one is reported with the
 * verifier's score (asr_heard.score).
 *
 * Implementations: the phone loop (asr.c, `verify = 1` in asr.conf; off as
 * shipped, where the competitors in the grammar do the rejection), which
 * needs the decoder and so lives behind asr.c; and, to come, a learned
 * keyword detector (issue 10) installed with asr_set_verifier(). Anything
 * that can judge 10 ms frames of 16 kHz audio fits: the input carries the
 * whole segment, so a verifier may look at context beyond the word. */
#ifndef FLOORCOACH_VERIFIER_H
#define FLOORCOACH_VERIFIER_H

#include "command.h"
#include "fc_clock.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    fc_command word;       /* what the decoder heard */
    const int16_t *pcm;    /* the segment as decoded: n_frames * FC_FRAME samples */
    int n_frames;
    int64_t start;         /* session sample of pcm[0] */
    /* The word's span in decoder frames of pcm, inclusive. A decoder frame
     * i covers pcm[i * FC_FRAME ...] (its analysis window reaches a little
     * further, as asr_heard's start and end account for). */
    int first_frame, last_frame;
    double decoder_score;  /* the decoder's acoustic score of the word, in its own units */
} verifier_input;

typedef struct {
    bool accept;   /* false: the command is dropped... */
    bool unsure;   /* ...unless this is set and it is "stop" or "pain": then it is
                      reported with asr_heard.unsure, and the coach pauses */
    double score;  /* higher is surer; becomes asr_heard.score */
} verifier_verdict;

/* check() returns 0 with *out filled, or a negative FC_ERR_* (the
 * recogniser then fails with it). It is called on the recogniser's owner
 * thread only and must not keep in->pcm. ctx belongs to whoever installed
 * the verifier and must outlive its use. */
typedef struct {
    int (*check)(void *ctx, const verifier_input *in, verifier_verdict *out);
    void *ctx;
} verifier;

#endif
