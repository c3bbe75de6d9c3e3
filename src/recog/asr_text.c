#include "internal/asr_text.h"

#include "fc_error.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room asr_biased_grammar leaves for each rewritten `/weight/`. */
#define WEIGHT_TEXT_MAX 48
#define WORD_MAX 64
/* The weight of "any other words" against one phrase's: the loop pays for
 * each word it uses, so a phrase that fits wins. */
#define PHRASE_OTHER_WEIGHT "0.5"
/* Single words said alone (a pain rating's numbers): a loop of the whole
 * dictionary takes most of them for look-alikes ("won", "sick"), and one
 * token of a few fillers takes most other words for a number; so the
 * other explanation is a short run of what someone says instead of a
 * number ("I don't know", "not sure", a command). Its weight changed
 * nothing measurable (bench/rating_eval, dev split, 1.0 to 0.001), so it
 * is even. The figures are in bench/README.md. */
#define WORD_FILLERS "mm | uh | ah | oh | er | i | know | don't | maybe | it | a | the | " \
    "stop | next | pain | repeat | yes | no | okay | not | sure | very | bad | lot | little | " \
    "hurt | about | really | quite | zero | hundred"
#define WORD_FILLER_WEIGHT "1.0"

int asr_slurp(const char *path, char **out)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;
    int rc = FC_ERR_IO;
    if (fp == NULL)
        return FC_ERR_IO;
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        goto fail;
    if ((buf = malloc((size_t)n + 1)) == NULL) {
        rc = FC_ERR_NOMEM;
        goto fail;
    }
    if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
        goto fail;
    buf[n] = '\0';
    *out = buf;
    buf = NULL;
    rc = FC_OK;
fail:
    free(buf);
    fclose(fp);
    return rc;
}

/* If q (at a '/') starts `/weight/ word` for a command, returns it and sets
 * *wgt and *end (the closing '/'); FC_CMD_NONE otherwise. */
static fc_command asr_weighted_word(const char *q, double *wgt, char **end)
{
    *wgt = strtod(q + 1, end);
    if (!(*end > q + 1 && **end == '/'))
        return FC_CMD_NONE;
    const char *ws = *end + 1;
    while (*ws == ' ')
        ws++;
    size_t wl = strspn(ws, "abcdefghijklmnopqrstuvwxyz");
    char name[16];
    if (wl == 0 || wl >= sizeof name || (ws[wl] != '\0' && isalnum((unsigned char)ws[wl])))
        return FC_CMD_NONE;
    memcpy(name, ws, wl);
    name[wl] = '\0';
    return fc_command_from_name(name);
}

/* The grammar text with each command's weight multiplied by e^bias. The
 * generated grammar gives each command exactly one alternative of the form
 * `/WEIGHT/ word` (gen_grammar.py); a grammar without one for a biased word
 * is an error (FC_ERR_FORMAT) rather than a silent no-op. */
int asr_biased_grammar(const char *gram_text, const double *bias, char **out)
{
    char *text = malloc(strlen(gram_text) + FC_CMD_COUNT * WEIGHT_TEXT_MAX + 1);
    if (text == NULL)
        return FC_ERR_NOMEM;
    char *o = text;
    const char *p = gram_text;
    int seen[FC_CMD_COUNT] = { 0 };
    while (*p != '\0') {
        const char *q = strchr(p, '/');
        if (q == NULL) {
            strcpy(o, p);
            o += strlen(p);
            break;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        char *end;
        double wgt;
        fc_command w = asr_weighted_word(q, &wgt, &end);
        if (w != FC_CMD_NONE && !seen[w]) {
            seen[w] = 1;
            /* Plain decimals: the JSGF lexer takes no exponents. */
            o += sprintf(o, "/%.12f/", wgt * exp(bias[w]));
            p = end + 1;
        } else {
            *o++ = '/';
            p = q + 1;
        }
    }
    *o = '\0';
    for (int w = 1; w < FC_CMD_COUNT; w++)
        if (!seen[w] && bias[w] != 0.0) {
            free(text);
            return FC_ERR_FORMAT;
        }
    *out = text;
    return FC_OK;
}

/* Lower case, single spaces, no punctuation: as the hypothesis reads. */
int asr_normalise_phrase(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *c = in; *c; c++) {
        int ch = tolower((unsigned char)*c);
        bool word = (ch >= 'a' && ch <= 'z') || ch == '\'';
        if (!word && (n == 0 || out[n - 1] == ' '))
            continue;
        if (n + 2 > cap)
            return FC_ERR_ARG;
        out[n++] = word ? (char)ch : ' ';
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n > 0 ? FC_OK : FC_ERR_ARG;
}

/* Appends " | word" for each headword of the dictionary file. */
static int asr_other_words(const char *dict, char **text, size_t *len, size_t *cap)
{
    FILE *fp = fopen(dict, "r");
    char line[512];
    if (fp == NULL)
        return FC_ERR_IO;
    int rc = FC_OK, first = 1;
    while (rc == FC_OK && fgets(line, sizeof line, fp)) {
        size_t wl = strcspn(line, " \t\n");
        if (wl == 0 || wl >= WORD_MAX || memchr(line, '(', wl) || line[0] == '<')
            continue;
        if (*len + wl + 4 >= *cap) {
            char *grown = realloc(*text, *cap * 2);
            if (grown == NULL) {
                rc = FC_ERR_NOMEM;
                break;
            }
            *text = grown;
            *cap *= 2;
        }
        *len += (size_t)sprintf(*text + *len, "%s%.*s", first ? "" : " | ", (int)wl, line);
        first = 0;
    }
    fclose(fp);
    return rc;
}

int asr_model_pron(const char *mdir, const char *word, char *phones, size_t cap)
{
    char path[FILENAME_MAX], line[512];
    if (snprintf(path, sizeof path, "%s/../cmudict-en-us.dict", mdir) >= (int)sizeof path)
        return FC_ERR_ARG;
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return FC_ERR_IO;
    size_t wl = strlen(word);
    int rc = FC_ERR_FORMAT;
    while (rc != FC_OK && fgets(line, sizeof line, fp)) {
        if (strncmp(line, word, wl) != 0 || line[wl] != ' ')
            continue;
        line[strcspn(line, "\n")] = '\0';
        if (strlen(line + wl + 1) < cap) {
            strcpy(phones, line + wl + 1);
            rc = FC_OK;
        }
    }
    fclose(fp);
    return rc;
}

/* One alternative per phrase, and a loop of any other words: the command
 * grammar's dictionary, about 1300 frequent words (or the fillers). */
int asr_phrase_grammar(const char (*phrase)[ASR_PHRASE_MAX], int n_phrases, const char *dict, char **out)
{
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    if (text == NULL)
        return FC_ERR_NOMEM;
    len += (size_t)sprintf(text, "#JSGF V1.0;\ngrammar phrases;\npublic <utt> = ");
    for (int i = 0; i < n_phrases; i++)
        len += (size_t)sprintf(text + len, "/1.0/ ( %s ) | ", phrase[i]);
    if (dict)
        len += (size_t)sprintf(text + len, "/" PHRASE_OTHER_WEIGHT "/ <other>+;\n<other> = ");
    else /* sphinxbase compiles a `+` loop back to the rule's start: bounded */
        len += (size_t)sprintf(text + len, "/" WORD_FILLER_WEIGHT "/ <other> [<other>] "
                               "[<other>] [<other>] [<other>] [<other>];\n<other> = ");
    int rc = FC_OK;
    if (dict)
        rc = asr_other_words(dict, &text, &len, &cap);
    else
        len += (size_t)sprintf(text + len, "%s", WORD_FILLERS);
    if (rc == FC_OK && len + 3 < cap)
        strcpy(text + len, ";\n");
    if (rc < 0) {
        free(text);
        return rc;
    }
    *out = text;
    return FC_OK;
}

int asr_single_word(const char *hyp, const char (*word)[ASR_PHRASE_MAX], int n_words)
{
    char copy[ASR_PHRASE_MAX * 4];
    int found = -1, count = 0;
    snprintf(copy, sizeof copy, "%s", hyp);
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        for (int i = 0; i < n_words; i++)
            if (!strcmp(t, word[i])) {
                found = i;
                count++;
            }
    return count == 1 ? found : -1;
}
