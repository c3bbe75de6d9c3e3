/* asr_text: the recogniser's grammar text, built without PocketSphinx
 * (internal to src/recog; asr.c is the one file that drives the decoder).
 * Any thread. */
#ifndef FLOORCOACH_ASR_TEXT_H
#define FLOORCOACH_ASR_TEXT_H

#include "asr.h"
#include "command.h"

/* The whole file at path, NUL-terminated, for the caller to free. */
int asr_slurp(const char *path, char **out);
/* The command grammar with each command's weight multiplied by e^bias[w]. */
int asr_biased_grammar(const char *gram_text, const double *bias, char **out);
/* A phrase lower case, single spaces, no punctuation: as a hypothesis reads. */
int asr_normalise_phrase(const char *in, char *out, size_t cap);
/* One alternative per phrase and a loop of the dictionary's headwords;
 * dict NULL: of a few fillers only (asr_create_words). */
int asr_phrase_grammar(const char (*phrase)[ASR_PHRASE_MAX], int n_phrases, const char *dict,
                       char **out);
/* Which one of the n_words words hyp holds once, among other tokens (the
 * fillers); -1 for none, or for two of them ("one two" is no answer). */
int asr_single_word(const char *hyp, const char (*word)[ASR_PHRASE_MAX], int n_words);
/* The pronunciation of word in the acoustic model's own dictionary (beside
 * its folder mdir), into phones (cap bytes). 0, FC_ERR_IO or FC_ERR_FORMAT. */
int asr_model_pron(const char *mdir, const char *word, char *phones, size_t cap);

#endif
