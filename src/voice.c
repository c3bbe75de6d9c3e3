#include "voice.h"

#include "fc_error.h"

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

int voice_load(const char *path, voice_profile *out, char *err, int errlen)
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
    int rc = FC_ERR_FORMAT;
    yaml_parser_t parser;
    yaml_document_t doc;
    int parser_ok = 0, doc_ok = 0;
    voice_profile v = voice_profile_default();
    FILE *fp = fopen(path, "rb");

    name_from_path(path, v.name, sizeof v.name);
    if (!fp) {
        snprintf(err, (size_t)errlen, "%s: cannot open voice profile: %s", path, strerror(errno));
        rc = FC_ERR_IO;
        goto fail;
    }
    if (!yaml_parser_initialize(&parser)) {
        rc = FC_ERR_NOMEM;
        goto fail;
    }
    parser_ok = 1;
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, (size_t)errlen, "%s:%zu:%zu: YAML syntax error: %s", path,
                 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "unknown");
        goto fail;
    }
    doc_ok = 1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        snprintf(err, (size_t)errlen, "%s:1:1: a voice profile is a mapping with espeak_voice, "
                 "rate, pitch and volume", path);
        goto fail;
    }
    int have_voice = 0;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        yaml_node_t *val = yaml_document_get_node(&doc, p->value);
        const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
        const char *s = val->type == YAML_SCALAR_NODE ? (const char *)val->data.scalar.value : NULL;
        size_t line = val->start_mark.line + 1, col = val->start_mark.column + 1;
        if (!strcmp(key, "description"))
            continue;
        if (!strcmp(key, "espeak_voice")) {
            if (!s || !*s || strlen(s) >= sizeof v.espeak_voice) {
                snprintf(err, (size_t)errlen, "%s:%zu:%zu: 'espeak_voice' must be a voice name "
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
            snprintf(err, (size_t)errlen, "%s:%zu:%zu: unknown key '%s' in voice profile", path,
                     k->start_mark.line + 1, k->start_mark.column + 1, key);
            goto fail;
        }
        char *end = NULL;
        long n = s ? strtol(s, &end, 10) : 0;
        if (!s || !*s || *end || n < ints[i].lo || n > ints[i].hi) {
            snprintf(err, (size_t)errlen, "%s:%zu:%zu: '%s' must be a whole number from %d to %d",
                     path, line, col, key, ints[i].lo, ints[i].hi);
            goto fail;
        }
        *(int *)((char *)&v + ints[i].offset) = (int)n;
    }
    if (!have_voice) {
        snprintf(err, (size_t)errlen, "%s:1:1: voice profile has no 'espeak_voice'", path);
        goto fail;
    }
    *out = v;
    rc = FC_OK;
fail:
    if (doc_ok)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    if (fp)
        fclose(fp);
    return rc;
}
