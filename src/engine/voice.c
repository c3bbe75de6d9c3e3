#include "voice.h"

#include "fc_error.h"
#include "yamldoc.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

voice_profile voice_profile_default(void)
{
    voice_profile v;
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "default");
    snprintf(v.espeak_voice, sizeof v.espeak_voice, "en-us");
    v.rate = 165;
    v.pitch = 45;
    v.volume = 100;
    v.cue_pitch = 70;
    return v;
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

int voice_load(const char *path, voice_profile *out, fc_error *err)
{
    static const struct {
        const char *key;
        int lo, hi;
        size_t offset;
    } ints[] = {
        {"rate", 80, 450, offsetof(voice_profile, rate)},
        {"pitch", 0, 100, offsetof(voice_profile, pitch)},
        {"volume", 0, 200, offsetof(voice_profile, volume)},
        {"cue_pitch", 0, 100, offsetof(voice_profile, cue_pitch)},
    };
    int rc;
    yamldoc doc = {.loaded = 0};
    voice_profile v = voice_profile_default();

    name_from_path(path, v.name, sizeof v.name);
    if ((rc = yamldoc_load(path, &doc, err)) < 0)
        goto fail;
    rc = FC_ERR_FORMAT;
    yaml_node_t *root = yaml_document_get_root_node(&doc.doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        fc_fail(err, FC_ERR_FORMAT, "%s:1:1: a voice profile is a mapping with espeak_voice, "
                 "rate, pitch and volume", path);
        goto fail;
    }
    int have_voice = 0;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&doc.doc, p->key);
        yaml_node_t *val = yaml_document_get_node(&doc.doc, p->value);
        const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
        const char *s = val->type == YAML_SCALAR_NODE ? (const char *)val->data.scalar.value : NULL;
        size_t line = val->start_mark.line + 1, col = val->start_mark.column + 1;
        if (!strcmp(key, "description"))
            continue;
        if (!strcmp(key, "espeak_voice")) {
            if (!s || !*s || strlen(s) >= sizeof v.espeak_voice) {
                fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: 'espeak_voice' must be a voice name "
                         "such as en-us (see 'espeak-ng --voices=en')", path, line, col);
                goto fail;
            }
            snprintf(v.espeak_voice, sizeof v.espeak_voice, "%s", s);
            have_voice = 1;
            continue;
        }
        size_t i;
        for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
            if (!strcmp(key, ints[i].key))
                break;
        if (i == sizeof ints / sizeof ints[0]) {
            fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: unknown key '%s' in voice profile", path,
                     k->start_mark.line + 1, k->start_mark.column + 1, key);
            goto fail;
        }
        char *end = NULL;
        long n = s ? strtol(s, &end, 10) : 0;
        if (!s || !*s || *end || n < ints[i].lo || n > ints[i].hi) {
            fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: '%s' must be a whole number from %d to %d",
                     path, line, col, key, ints[i].lo, ints[i].hi);
            goto fail;
        }
        *(int *)((char *)&v + ints[i].offset) = (int)n;
    }
    if (!have_voice) {
        fc_fail(err, FC_ERR_FORMAT, "%s:1:1: voice profile has no 'espeak_voice'", path);
        goto fail;
    }
    *out = v;
    rc = FC_OK;
fail:
    yamldoc_free(&doc);
    return rc;
}
