#include "voice.h"

#include "fc_error.h"
#include "fc_parse.h"
#include "yamldoc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* The built-in default is voices/default.yaml, so a session without a
 * profile sounds like one with the default profile. */
#define DEFAULT_ESPEAK_VOICE "en-us"
#define DEFAULT_RATE 165
#define DEFAULT_PITCH 45
#define DEFAULT_VOLUME 100
#define DEFAULT_CUE_PITCH 70

/* The whole-number keys, their ranges and where they go. */
static const struct {
    const char *key;
    int lo, hi;
    size_t offset;
} INT_KEYS[] = {
    {"rate", 80, 450, offsetof(voice_profile, rate)},
    {"pitch", 0, 100, offsetof(voice_profile, pitch)},
    /* 0 would be a session nobody hears, logged as completed. */
    {"volume", 1, VOICE_VOLUME_MAX, offsetof(voice_profile, volume)},
    {"cue_pitch", 0, 100, offsetof(voice_profile, cue_pitch)},
    {"count_rate", 80, 450, offsetof(voice_profile, count_rate)},
};
#define N_INT_KEYS (sizeof INT_KEYS / sizeof INT_KEYS[0])

voice_profile voice_profile_default(void)
{
    voice_profile v;
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "default");
    snprintf(v.espeak_voice, sizeof v.espeak_voice, DEFAULT_ESPEAK_VOICE);
    v.rate = DEFAULT_RATE;
    v.pitch = DEFAULT_PITCH;
    v.volume = DEFAULT_VOLUME;
    v.cue_pitch = DEFAULT_CUE_PITCH;
    return v;
}

int voice_count_rate(const voice_profile *v)
{
    if (v->count_rate > 0)
        return v->count_rate;
    return v->rate > VOICE_COUNT_RATE_MIN ? v->rate : VOICE_COUNT_RATE_MIN;
}

static void name_from_path(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, len, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
}

/* A key given twice is refused, as routines refuse it: which one counts
 * would otherwise be a guess. Returns the earlier pair with p's key. */
static const yaml_node_pair_t *earlier_pair(yaml_document_t *doc, const yaml_node_pair_t *first,
                                            const yaml_node_pair_t *p)
{
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    if (k->type != YAML_SCALAR_NODE)
        return NULL;
    for (const yaml_node_pair_t *q = first; q < p; q++) {
        yaml_node_t *qk = yaml_document_get_node(doc, q->key);
        if (qk->type == YAML_SCALAR_NODE &&
            !strcmp((const char *)qk->data.scalar.value, (const char *)k->data.scalar.value))
            return q;
    }
    return NULL;
}

/* One key of the profile into *v. Returns 0, or FC_ERR_FORMAT with err
 * naming the key's (or its value's) line and column. */
static int voice_key(const char *path, yaml_document_t *doc, const yaml_node_pair_t *p,
                     voice_profile *v, int *have_voice, fc_error *err)
{
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    yaml_node_t *val = yaml_document_get_node(doc, p->value);
    const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
    const char *s = val->type == YAML_SCALAR_NODE ? (const char *)val->data.scalar.value : NULL;
    size_t line = val->start_mark.line + 1, col = val->start_mark.column + 1;
    if (!strcmp(key, "description"))
        return FC_OK;
    if (!strcmp(key, "espeak_voice")) {
        if (!s || !*s || strlen(s) >= sizeof v->espeak_voice)
            return fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: 'espeak_voice' must be a voice name "
                           "such as en-us (see 'espeak-ng --voices=en')", path, line, col);
        snprintf(v->espeak_voice, sizeof v->espeak_voice, "%s", s);
        *have_voice = 1;
        return FC_OK;
    }
    size_t i;
    for (i = 0; i < N_INT_KEYS; i++)
        if (!strcmp(key, INT_KEYS[i].key))
            break;
    if (i == N_INT_KEYS)
        return fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: unknown key '%s' in voice profile", path,
                       k->start_mark.line + 1, k->start_mark.column + 1, key);
    long n = 0;
    if (fc_parse_long(s, INT_KEYS[i].lo, INT_KEYS[i].hi, &n) < 0)
        return fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: '%s' must be a whole number from %d to %d",
                       path, line, col, key, INT_KEYS[i].lo, INT_KEYS[i].hi);
    *(int *)((char *)v + INT_KEYS[i].offset) = (int)n;
    return FC_OK;
}

int voice_load(const char *path, voice_profile *out, fc_error *err)
{
    int rc;
    int have_voice = 0;
    yamldoc doc = {.loaded = 0};
    voice_profile v = voice_profile_default();

    name_from_path(path, v.name, sizeof v.name);
    if ((rc = yamldoc_load(path, &doc, err)) < 0)
        goto done;
    yaml_node_t *root = yaml_document_get_root_node(&doc.doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = fc_fail(err, FC_ERR_FORMAT, "%s:1:1: a voice profile is a mapping with espeak_voice, "
                     "rate, pitch and volume", path);
        goto done;
    }
    yaml_node_pair_t *first = root->data.mapping.pairs.start;
    for (yaml_node_pair_t *p = first; p < root->data.mapping.pairs.top; p++) {
        if (earlier_pair(&doc.doc, first, p)) {
            yaml_node_t *k = yaml_document_get_node(&doc.doc, p->key);
            rc = fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: '%s' is given twice", path,
                         k->start_mark.line + 1, k->start_mark.column + 1,
                         (const char *)k->data.scalar.value);
            goto done;
        }
        if ((rc = voice_key(path, &doc.doc, p, &v, &have_voice, err)) < 0)
            goto done;
    }
    if (!have_voice) {
        rc = fc_fail(err, FC_ERR_FORMAT, "%s:1:1: voice profile has no 'espeak_voice'", path);
        goto done;
    }
    *out = v;
    rc = FC_OK;
done:
    yamldoc_free(&doc);
    return rc;
}
