/* kws_embed: the learned keyword detector's speech embedding. Runs
 * openWakeWord's embedding_model (Google's speech_embedding) on one window
 * of KWS_EMBED_FRAMES mel frames from kws_frontend and returns
 * KWS_EMBED_DIM values, through XNNPACK (this is the only file that
 * includes it). The layers are grammars/README.md's table, "The keyword
 * front end"; the weights come from the front end's file.
 *
 * The input is the front end's frames as they are (they already carry
 * openWakeWord's x/10 + 2): oldest frame first, KWS_MEL_BINS values each. */
#ifndef FLOORCOACH_KWS_EMBED_H
#define FLOORCOACH_KWS_EMBED_H

#include "fc_error.h"
#include "kws_frontend.h"

#define KWS_EMBED_FRAMES 76 /* mel frames in one window (760 ms) */
#define KWS_EMBED_DIM 96    /* values in one embedding */
/* openWakeWord computes one embedding every 8 frames (80 ms). */
#define KWS_EMBED_STEP 8

typedef struct kws_embed kws_embed;

/* Any thread. Builds the network from fe's tensors "emb.conv00.weight" ..
 * "emb.conv19.weight" (copied: fe may be destroyed afterwards). A tensor
 * missing or of the wrong shape is FC_ERR_FORMAT; a CPU XNNPACK cannot run
 * on, or a network it refuses, FC_ERR_MODEL; FC_ERR_ARG when fe or out is
 * NULL. *out is NULL on failure. */
int kws_embed_create(const kws_frontend *fe, kws_embed **out, fc_error *err);

/* Any thread, once the handle is no longer used. Accepts NULL. */
void kws_embed_destroy(kws_embed *e);

/* The thread that owns e (one call at a time per handle: it reuses its
 * buffers). mel holds KWS_EMBED_FRAMES x KWS_MEL_BINS values, out receives
 * KWS_EMBED_DIM. Returns FC_OK, or FC_ERR_STATE if XNNPACK fails to run
 * (out is then zero). Allocates nothing. */
int kws_embed_run(kws_embed *e, const float *mel, float *out);

#endif
