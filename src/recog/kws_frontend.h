/* kws_frontend: the learned keyword detector's front end. Loads
 * kws-frontend.bin (openWakeWord's melspectrogram and embedding_model,
 * converted once at set-up by packaging/convert-kws-models.py, whose
 * docstring and grammars/README.md define the format) and turns a stream of
 * 16 kHz samples into 32-bin log-mel frames, one per FC_FRAME, exactly as
 * the ONNX melspectrogram graph computes them followed by openWakeWord's
 * x/10 + 2, except for the clamp (see KWS_CLAMP_FRAMES).
 *
 * Frame i covers samples [FC_FRAME * i, FC_FRAME * i + KWS_WINDOW) of the
 * stream, so it is ready once that window's last sample has arrived, and it
 * does not depend on how the stream was cut into calls. */
#ifndef FLOORCOACH_KWS_FRONTEND_H
#define FLOORCOACH_KWS_FRONTEND_H

#include "fc_clock.h"
#include "fc_error.h"

#include <stddef.h>
#include <stdint.h>

#define KWS_MEL_BINS 32 /* values in one frame */
#define KWS_WINDOW 512  /* samples one frame looks at (the STFT kernels' length) */
#define KWS_TENSOR_MAX_DIMS 4

/* The clamp. The ONNX graph floors every value at (largest value of the
 * whole call) - 80 dB, so a frame's output depends on what else was in the
 * same call. Here the floor of frame i is (largest value of frames i-75..i)
 * - 80 dB: causal (no look-ahead, so no delay), fixed for each frame
 * whatever the chunking, and one embedding window (76 frames) long, so
 * within the span the embedding model sees at once the floor follows the
 * loudest recent sound as the whole-clip clamp of openWakeWord's training
 * pipeline did. On a steady input it equals the graph's clamp. */
#define KWS_CLAMP_FRAMES 76
#define KWS_CLAMP_DB 80.0

/* The default file, under the data directory (datapath_dir()). */
#define KWS_FRONTEND_SUBDIR "grammars/kws"
#define KWS_FRONTEND_FILE "kws-frontend.bin"

typedef struct kws_frontend kws_frontend;

/* Any thread. Loads path (NULL: KWS_FRONTEND_SUBDIR/KWS_FRONTEND_FILE under
 * the data directory) and checks it entirely: a missing file is
 * FC_ERR_MODEL, a truncated, corrupt or wrong-version one FC_ERR_FORMAT,
 * both with a detail that names the file and the command that installs it. */
int kws_frontend_create(const char *path, kws_frontend **out, fc_error *err);

/* Any thread, once the handle is no longer used. Accepts NULL. */
void kws_frontend_destroy(kws_frontend *fe);

/* Frames that kws_frontend_push may return for n samples, at most. */
#define KWS_FRAMES_FOR(n) ((size_t)(n) / FC_FRAME + 1)

/* The thread that owns fe (the listener's, later). Appends n samples to the
 * stream and writes every frame they complete, KWS_MEL_BINS floats each,
 * to out, which has room for cap frames. Returns the number of frames
 * written, or FC_ERR_ARG (nothing consumed) when cap < KWS_FRAMES_FOR(n). */
int kws_frontend_push(kws_frontend *fe, const int16_t *pcm, size_t n, float *out, size_t cap);

/* Same thread as push. Starts a new stream: frame 0 is again the one
 * that begins at the next sample pushed. */
void kws_frontend_reset(kws_frontend *fe);

/* Any thread. A tensor of the file by name (e.g. "emb.conv00.weight"):
 * its data, or NULL when absent; *ndim and dims (KWS_TENSOR_MAX_DIMS
 * entries) receive its shape when not NULL. Valid until destroy. */
const float *kws_frontend_tensor(const kws_frontend *fe, const char *name, int *ndim,
                                 uint32_t *dims);

#endif
