/* asr_conf: the asr.conf parser (see internal/asr_conf.h). */
#include "internal/asr_conf.h"

#include "asr.h"
#include "fc_clock.h"
#include "fc_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Milliseconds in one frame, exactly. */
#define MS_PER_FRAME (1000.0 * FC_FRAME / FC_RATE)
/* Longest line read; a longer one is split and reported as invalid. */
#define LINE_MAX_BYTES 512
/* Until min_llr.WORD says otherwise: the phone loop may win by this much. */
#define DEFAULT_MIN_LLR (-1.0)

asr_settings asr_settings_default(void)
{
    asr_settings s;
    memset(&s, 0, sizeof s);
    s.vad = vad_config_default();
    s.min_word_frames = 15;
    s.max_word_frames = 150;
    s.verify = true;
    for (int i = 0; i < FC_CMD_COUNT; i++) {
        s.min_llr[i] = DEFAULT_MIN_LLR;
        for (int set = 0; set < ASR_KWS_SETS; set++)
            for (int r = 0; r < ASR_KWS_RULES; r++)
                s.kws[set][r][i] = NAN;
    }
    strcpy(s.dict, "commands.dict");
    strcpy(s.grammar, "commands.gram");
    return s;
}

static char *conf_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int conf_parse_double(const char *v, double *out)
{
    return fc_parse_double(v, -HUGE_VAL, HUGE_VAL, out) < 0 ? FC_ERR_FORMAT : FC_OK;
}

static int conf_ms_to_frames(double ms)
{
    return (int)lround(ms / MS_PER_FRAME);
}

static int conf_copy(char *dst, size_t cap, const char *src)
{
    if (strlen(src) >= cap)
        return FC_ERR_FORMAT;
    memcpy(dst, src, strlen(src) + 1);
    return FC_OK;
}

/* A file name or a ps.KEY pass-through; 1 when key is none of those. */
static int conf_set_text(asr_settings *s, const char *key, const char *val)
{
    static const struct { const char *k; size_t off; } files[] = {
        { "dict", offsetof(asr_settings, dict) },
        { "grammar", offsetof(asr_settings, grammar) },
        { "phone_lm", offsetof(asr_settings, phone_lm) },
        { "mllr", offsetof(asr_settings, mllr) },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(key, files[i].k) == 0)
            return conf_copy((char *)s + files[i].off, ASR_CONF_FILE_MAX, val);
    if (strncmp(key, "ps.", 3) != 0)
        return 1;
    if (s->n_ps >= ASR_CONF_MAX_PS_ARGS)
        return FC_ERR_FORMAT;
    if (conf_copy(s->ps_key[s->n_ps] + 1, sizeof s->ps_key[0] - 1, key + 3) < 0 ||
        conf_copy(s->ps_val[s->n_ps], sizeof s->ps_val[0], val) < 0)
        return FC_ERR_FORMAT;
    s->ps_key[s->n_ps][0] = '-';
    s->n_ps++;
    return FC_OK;
}

/* kws.[talking.]RULE.WORD; 1 when key is none. */
static int conf_set_kws(asr_settings *s, const char *key, double d)
{
    static const char *const rules[ASR_KWS_RULES] = { "fire", "confirm", "unsure", "doubt",
                                                        "probe" };
    static const char talking[] = "talking.";
    if (strncmp(key, "kws.", 4) != 0)
        return 1;
    key += 4;
    int set = strncmp(key, talking, sizeof talking - 1) == 0 ? ASR_KWS_TALKING : ASR_KWS_QUIET;
    if (set == ASR_KWS_TALKING)
        key += sizeof talking - 1;
    for (int r = 0; r < ASR_KWS_RULES; r++) {
        size_t len = strlen(rules[r]);
        if (strncmp(key, rules[r], len) == 0 && key[len] == '.') {
            fc_command w = fc_command_from_name(key + 1 + len);
            if (w == FC_CMD_NONE || !(d >= 0.0 && d <= ASR_KWS_MAX))
                return FC_ERR_FORMAT;
            s->kws[set][r][w] = d;
            return FC_OK;
        }
    }
    return FC_ERR_FORMAT;
}

/* bias.WORD / min_llr.WORD / kws.RULE.WORD; 1 when key is none. */
static int conf_set_word(asr_settings *s, const char *key, double d)
{
    if (strncmp(key, "bias.", 5) == 0) {
        fc_command w = fc_command_from_name(key + 5);
        if (w == FC_CMD_NONE || !(d >= ASR_BIAS_MIN && d <= ASR_BIAS_MAX))
            return FC_ERR_FORMAT;
        s->bias[w] = d;
        return FC_OK;
    }
    if (strncmp(key, "min_llr.", 8) == 0) {
        fc_command w = fc_command_from_name(key + 8);
        if (w == FC_CMD_NONE)
            return FC_ERR_FORMAT;
        s->min_llr[w] = d;
        return FC_OK;
    }
    return conf_set_kws(s, key, d);
}

/* A numeric setting other than a per-word one. */
static int conf_set_number(asr_settings *s, const char *key, double d)
{
    static const struct { const char *k; size_t off; } dbl[] = {
        { "vad_on_db", offsetof(asr_settings, vad.on_db) },
        { "vad_off_db", offsetof(asr_settings, vad.off_db) },
        { "vad_floor_min_db", offsetof(asr_settings, vad.floor_min_db) },
        { "vad_off_below_peak_db", offsetof(asr_settings, vad.off_peak_db) },
    };
    for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++)
        if (strcmp(key, dbl[i].k) == 0) {
            *(double *)((char *)s + dbl[i].off) = d;
            return FC_OK;
        }
    /* Times, in ms, kept in frames; the bounds are in frames. */
    static const struct { const char *k; size_t off; int lo, hi; } ms[] = {
        { "vad_start_ms", offsetof(asr_settings, vad.start_frames), 1, 20 },
        { "vad_hangover_ms", offsetof(asr_settings, vad.hangover_frames), 1, 100 },
        { "vad_preroll_ms", offsetof(asr_settings, vad.preroll_frames), 0, VAD_MAX_PREROLL_FRAMES },
        { "min_segment_ms", offsetof(asr_settings, vad.min_seg_frames), 0, 100 },
        { "max_segment_ms", offsetof(asr_settings, vad.max_seg_frames), 50, 3000 },
        { "min_word_ms", offsetof(asr_settings, min_word_frames), 0, 200 },
        { "max_word_ms", offsetof(asr_settings, max_word_frames), 10, 500 },
        { "vad_floor_window_ms", offsetof(asr_settings, vad.floor_win), 0,
          VAD_MAX_FLOOR_WINDOW_FRAMES },
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        if (strcmp(key, ms[i].k) == 0) {
            int fr = conf_ms_to_frames(d);
            if (fr < ms[i].lo || fr > ms[i].hi)
                return FC_ERR_FORMAT;
            *(int *)((char *)s + ms[i].off) = fr;
            return FC_OK;
        }
    if (strcmp(key, "vad_floor_rise_db_per_s") == 0) {
        s->vad.floor_rise_db = d / FC_FRAMES_PER_SECOND;
        return FC_OK;
    }
    if (strcmp(key, "verify") == 0) {
        s->verify = d != 0.0;
        return FC_OK;
    }
    if (strcmp(key, "debug") == 0) {
        s->debug = d != 0.0;
        return FC_OK;
    }
    return FC_ERR_FORMAT;
}

/* Where dict or grammar was set, when a user's file set it. */
static void conf_note_origin(asr_settings *s, const char *key, const char *path, int line)
{
    char *dst = !strcmp(key, "dict") ? s->dict_from : !strcmp(key, "grammar") ? s->grammar_from
                                                                                : NULL;
    if (dst && snprintf(dst, sizeof s->dict_from, "%s:%d", path, line) >= (int)sizeof s->dict_from)
        dst[0] = '\0'; /* too long to be useful */
}

/* One `key = value` line. */
static int conf_set(asr_settings *s, const char *key, const char *val)
{
    double d = 0.0;
    int rc = conf_set_text(s, key, val);
    if (rc <= 0)
        return rc;
    if (conf_parse_double(val, &d) < 0)
        return FC_ERR_FORMAT;
    if ((rc = conf_set_word(s, key, d)) <= 0)
        return rc;
    return conf_set_number(s, key, d);
}

int asr_conf_read(asr_settings *s, const char *path, fc_error *err)
{
    FILE *fp = fopen(path, "r");
    struct stat st;
    if (fp == NULL)
        return fc_fail(err, FC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return fc_fail(err, FC_ERR_IO, "%s: is a folder; give a settings file", path);
    }
    char line[LINE_MAX_BYTES];
    int rc = FC_OK, lineno = 0;
    while (rc == FC_OK && fgets(line, sizeof line, fp) != NULL) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *t = conf_trim(line);
        if (*t == '\0')
            continue;
        char *eq = strchr(t, '=');
        if (eq == NULL) {
            rc = FC_ERR_FORMAT;
            break;
        }
        *eq = '\0';
        char *key = conf_trim(t);
        if ((rc = conf_set(s, key, conf_trim(eq + 1))) == FC_OK)
            conf_note_origin(s, key, path, lineno);
    }
    if (rc == FC_OK && ferror(fp))
        rc = FC_ERR_IO;
    if (rc < 0)
        fc_fail(err, rc, "%s:%d: not a valid `key = value` setting", path, lineno);
    if (rc < 0 && s->debug)
        fprintf(stderr, "asr: %s:%d: bad setting\n", path, lineno);
    fclose(fp);
    return rc;
}

int asr_conf_check(const char *path, fc_error *err)
{
    asr_settings *s = malloc(sizeof *s);
    if (s == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory reading %s", path);
    *s = asr_settings_default();
    int rc = asr_conf_read(s, path, err);
    free(s);
    return rc;
}
