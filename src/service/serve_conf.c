#define _POSIX_C_SOURCE 200809L
#include "serve_conf.h"

#include "fc_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

serve_conf serve_conf_default(void)
{
    serve_conf c;
    memset(&c, 0, sizeof c);
    strcpy(c.routine, "fai");
    c.volume = -1;
    return c;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* phrase = WORDS => ROUTINE */
static int add_start(serve_conf *c, char *v, bool *reset, const char *where, fc_error *err)
{
    char *arrow = strstr(v, "=>");
    if (!arrow)
        return fc_fail(err, FC_ERR_FORMAT, "%s: give phrase = WORDS => ROUTINE, e.g. "
                       "phrase = start my stretches => fai-stretches", where);
    *arrow = '\0';
    char *words = trim(v), *routine = trim(arrow + 2);
    if (!*words || !*routine)
        return fc_fail(err, FC_ERR_FORMAT, "%s: the phrase and its routine must both be "
                       "given", where);
    if (*reset) {
        c->n_starts = 0;
        *reset = false;
    }
    if (c->n_starts == SERVE_STARTS_MAX)
        return fc_fail(err, FC_ERR_FORMAT, "%s: at most %d start phrases", where,
                       SERVE_STARTS_MAX);
    /* Both fit: serve_conf_set took no value longer than a field. */
    serve_conf_start *s = &c->starts[c->n_starts++];
    strcpy(s->phrase, words);
    strcpy(s->routine, routine);
    return FC_OK;
}

static int set_flag(bool *dst, const char *v, const char *where, fc_error *err)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *dst = true;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *dst = false;
    else
        return fc_fail(err, FC_ERR_FORMAT, "%s: give yes or no, not '%s'", where, v);
    return FC_OK;
}

static int set_volume(int *dst, const char *v, const char *where, fc_error *err)
{
    long n = 0;
    if (fc_parse_long(v, 1, VOICE_VOLUME_MAX, &n) < 0)
        return fc_fail(err, FC_ERR_FORMAT, "%s: volume must be a whole number from 1 to "
                       "%d (100 is normal), not '%s'", where, VOICE_VOLUME_MAX, v);
    *dst = (int)n;
    return FC_OK;
}

/* input_channel = mix | 1 to AUDIO_CHANNELS_MAX */
static int set_channel(int *dst, const char *v, const char *where, fc_error *err)
{
    if (audio_parse_channel(v, dst) < 0)
        return fc_fail(err, FC_ERR_FORMAT, "%s: input_channel must be mix or a channel from 1 "
                       "to %d, not '%s'", where, AUDIO_CHANNELS_MAX, v);
    return FC_OK;
}

int serve_conf_set(serve_conf *c, const char *key, const char *value, bool *first_phrase,
                   const char *where, fc_error *err)
{
    struct { const char *key; char *dst; } text[] = {
        {"routine", c->routine}, {"prescription", c->prescription}, {"voice", c->voice},
        {"input", c->input}, {"output", c->output}, {"events", c->events},
        {"calibration", c->calibration},
    };
    /* Every field holds SERVE_CONF_VALUE_MAX: checked once, here. */
    char v[SERVE_CONF_VALUE_MAX];
    if (strlen(value) >= sizeof v)
        return fc_fail(err, FC_ERR_FORMAT, "%s: value longer than %d bytes", where,
                       SERVE_CONF_VALUE_MAX - 1);
    strcpy(v, value);
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (!strcmp(key, text[i].key)) {
            strcpy(text[i].dst, v);
            return FC_OK;
        }
    if (!strcmp(key, "phrase"))
        return add_start(c, v, first_phrase, where, err);
    if (!strcmp(key, "cleared"))
        return set_flag(&c->cleared, v, where, err);
    if (!strcmp(key, "volume"))
        return set_volume(&c->volume, v, where, err);
    if (!strcmp(key, "input_channel"))
        return set_channel(&c->input_channel, v, where, err);
    return fc_fail(err, FC_ERR_FORMAT, "%s: unknown setting '%s' (known: routine, "
                   "prescription, phrase, voice, volume, input, input_channel, output, events, "
                   "calibration, cleared)", where, key);
}

/* One line: blank, a comment, or KEY = VALUE. */
static int read_line(serve_conf *c, char *buf, bool *first_phrase, const char *where,
                     fc_error *err)
{
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = '\0';
    char *s = trim(buf), *eq = strchr(s, '=');
    if (!*s)
        return FC_OK;
    if (!eq)
        return fc_fail(err, FC_ERR_FORMAT, "%s: give KEY = VALUE", where);
    *eq = '\0';
    return serve_conf_set(c, trim(s), trim(eq + 1), first_phrase, where, err);
}

int serve_conf_read(serve_conf *c, const char *path, bool optional, fc_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp && optional && errno == ENOENT)
        return FC_OK;
    if (!fp)
        return fc_fail(err, FC_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
    char buf[LINE_MAX_BYTES], where[PATH_MAX + 16];
    int line = 0, rc = FC_OK;
    bool first_phrase = true;
    while (rc == FC_OK && fgets(buf, sizeof buf, fp)) {
        snprintf(where, sizeof where, "%s:%d", path, ++line);
        if (!strchr(buf, '\n') && !feof(fp))
            rc = fc_fail(err, FC_ERR_FORMAT, "%s: line longer than %d bytes", where,
                         LINE_MAX_BYTES - 2);
        else
            rc = read_line(c, buf, &first_phrase, where, err);
    }
    if (rc == FC_OK && ferror(fp))
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot read", path);
    fclose(fp);
    return rc;
}

int serve_conf_user_path(char *dst, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && *xdg)
        n = snprintf(dst, cap, "%s/floorcoach/floorcoach.conf", xdg);
    else if (home && *home)
        n = snprintf(dst, cap, "%s/.config/floorcoach/floorcoach.conf", home);
    else
        return FC_ERR_ARG;
    return n < 0 || (size_t)n >= cap ? FC_ERR_ARG : FC_OK;
}
