/* asr_conf: the recogniser's settings file (internal to src/recog; the
 * public check for a user's file is asr_conf_check() in asr.h).
 *
 * asr.conf is `key = value` lines with `#` comments: the detector's
 * thresholds (vad_*, times in ms), the word length bounds, bias.WORD and
 * min_llr.WORD per command, the fused decision's kws.RULE.WORD thresholds
 * (RULE fire, confirm, unsure, doubt or probe: hearing.h; and
 * kws.talking.RULE.WORD for while the coach talks), verify, debug, the file names (dict, grammar,
 * phone_lm, mllr; relative to the grammar directory) and ps.KEY = VALUE,
 * passed through to PocketSphinx as -KEY VALUE. The grammar directory's
 * file is read first, then the user's calibration over it, into one plain
 * settings struct. Unknown keys are errors, so that a typo in a threshold
 * can never silently fall back to a default. Any thread. */
#ifndef FLOORCOACH_ASR_CONF_H
#define FLOORCOACH_ASR_CONF_H

#include "command.h"
#include "fc_error.h"
#include "internal/vad.h"

#include <stdbool.h>

/* The fused decision's thresholds (hearing.h's hearing_tuning), as
 * kws.RULE.WORD keys; NAN where the files do not set them. */
enum {
    ASR_KWS_FIRE,
    ASR_KWS_CONFIRM,
    ASR_KWS_UNSURE,
    ASR_KWS_DOUBT,
    ASR_KWS_PROBE,
    ASR_KWS_RULES
};
/* Two sets: kws.RULE.WORD while the coach is quiet, kws.talking.RULE.WORD
 * while its voice may be in the microphone. */
enum { ASR_KWS_QUIET, ASR_KWS_TALKING, ASR_KWS_SETS };
#define ASR_KWS_MAX 2.0 /* a threshold above 1 turns its rule off */

#define ASR_CONF_MAX_PS_ARGS 32
#define ASR_CONF_FILE_MAX 256   /* bytes of a file name, NUL included */
#define ASR_CONF_PS_KEY_MAX 40  /* bytes of "-KEY", NUL included */
#define ASR_CONF_PS_VAL_MAX 64

typedef struct {
    vad_config vad;
    int min_word_frames, max_word_frames; /* a command's length bounds */
    bool verify;                          /* phone-loop verification (asr.c) */
    bool debug;                           /* explain every segment on stderr */
    double min_llr[FC_CMD_COUNT];         /* per-word verification threshold */
    double bias[FC_CMD_COUNT];            /* nats added to each command's grammar weight */
    double kws[ASR_KWS_SETS][ASR_KWS_RULES][FC_CMD_COUNT]; /* kws.fire.stop = 0.9, ...; NAN: unset */
    char dict[ASR_CONF_FILE_MAX], grammar[ASR_CONF_FILE_MAX];
    char phone_lm[ASR_CONF_FILE_MAX], mllr[ASR_CONF_FILE_MAX]; /* "": the default / none */
    /* "FILE:LINE" of the line that named the dictionary or the grammar
     * ("" for grammars/asr.conf's own), so that a file it names that does
     * not work blames the user's line, not the install. */
    char dict_from[ASR_CONF_FILE_MAX + 16], grammar_from[ASR_CONF_FILE_MAX + 16];
    char ps_key[ASR_CONF_MAX_PS_ARGS][ASR_CONF_PS_KEY_MAX]; /* "-KEY" */
    char ps_val[ASR_CONF_MAX_PS_ARGS][ASR_CONF_PS_VAL_MAX];
    int n_ps;
} asr_settings;

/* Any thread. The built-in defaults, before any file. */
asr_settings asr_settings_default(void);

/* Any thread. Reads path over *s (keys it does not name keep their value).
 * Returns 0, FC_ERR_IO (cannot open or read) or FC_ERR_FORMAT (a line that
 * is no valid setting, named by path:line in err). On failure *s may hold
 * the settings of the lines before the bad one. */
int asr_conf_read(asr_settings *s, const char *path, fc_error *err);

typedef struct asr asr_t;
/* Owner thread of a. The settings a was created with (asr.c). */
const asr_settings *asr_settings_of(const asr_t *a);

#endif
