/* vad: the recogniser's adaptive energy voice detector (internal to
 * src/recog; asr.c is its only user).
 *
 * It cuts the endless stream into short segments, frame by frame, and knows
 * nothing of the decoder: when a segment closes it hands back the segment's
 * audio, where it starts on the session clock and at which sample the
 * decision is taken. We use our own detector rather than PocketSphinx's
 * because its silence removal drops frames, which would break the mapping
 * from decoder frames to the session clock, and its end-of-speech hangover
 * is fixed.
 *
 * The floor never stays below the quietest frame of the last floor window,
 * so a louder background is absorbed quickly; a segment ends after the
 * hangover near the floor or far below the segment's peak. A segment longer
 * than max_seg_frames is continuous sound (TV, a tap, a sentence), not a
 * lone command. Reasons for the numbers: grammars/README.md.
 *
 * One thread at a time: whichever owns the recogniser. */
#ifndef FLOORCOACH_VAD_H
#define FLOORCOACH_VAD_H

#include "fc_clock.h"

#include <stdbool.h>
#include <stdint.h>

/* Upper bounds of the settings below that size the detector's buffers. */
#define VAD_MAX_PREROLL_FRAMES 64
#define VAD_MAX_FLOOR_WINDOW_FRAMES 300

typedef struct {
    double on_db;          /* a frame this far above the floor is loud */
    double off_db;         /* ... and one below floor + off_db is quiet */
    double off_peak_db;    /* 0, or: quiet also means this far below the segment's peak */
    double floor_min_db;   /* the floor never goes below this */
    double floor_rise_db;  /* per frame: how fast the floor climbs toward louder frames */
    double floor_fall;     /* share of the distance it falls toward a quieter frame */
    int start_frames;      /* loud frames in a row that open a segment */
    int hangover_frames;   /* quiet frames in a row that close it */
    int preroll_frames;    /* frames before the opening kept in front of it, <= VAD_MAX_PREROLL_FRAMES */
    int min_seg_frames;    /* fewer loud frames than this: a click */
    int max_seg_frames;    /* longer than this: continuous sound */
    int floor_win;         /* frames, <= VAD_MAX_FLOOR_WINDOW_FRAMES; 0: no window minimum */
} vad_config;

typedef enum {
    VAD_SEG_SPEECH,   /* worth decoding */
    VAD_SEG_CLICK,    /* too few loud frames to be a word */
    VAD_SEG_OVERLONG, /* outgrew max_seg_frames: no lone command; its audio was not kept */
} vad_seg_kind;

/* A closed segment. pcm is the detector's own buffer, valid until the next
 * call that feeds or resets it. */
typedef struct {
    vad_seg_kind kind;
    const int16_t *pcm; /* n_frames * FC_FRAME samples, pre-roll included */
    int n_frames;
    int64_t start;      /* session sample of pcm[0] */
    int64_t now;        /* session sample at which it closed: the decision's time */
} vad_segment;

typedef struct vad vad_t;

/* Any thread. The shipped defaults; grammars/asr.conf overrides them. */
vad_config vad_config_default(void);

/* Any thread. Returns 0, FC_ERR_ARG for a setting outside its bounds, or
 * FC_ERR_NOMEM. */
int vad_create(const vad_config *cfg, vad_t **out);
/* Owner thread. Accepts NULL. */
void vad_destroy(vad_t *v);

/* Owner thread. Forgets the stream (floor, any open segment) as if just
 * created. */
void vad_reset(vad_t *v);

/* Owner thread. One FC_FRAME of audio whose first sample is session sample
 * s. Returns true when this frame closed a segment, described in *seg. */
bool vad_frame(vad_t *v, const int16_t *x, int64_t s, vad_segment *seg);

/* Owner thread. A gap in the session clock at sample now: the pieces on
 * either side cannot be one word, so an open segment closes (returns true
 * and fills *seg) and the count toward opening one starts over. */
bool vad_break(vad_t *v, int64_t now, vad_segment *seg);

#endif
