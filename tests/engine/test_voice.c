/* Voice profiles: the shipped ones load, and every broken one fails with
 * the right code and a detail that names file:line:col. */
#include "fc_error.h"
#include "voice.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* Each test writes its profiles into a fresh directory, removed after it
 * even when an assertion fails half way. */
typedef struct {
    char dir[64];
    char path[128];
    fc_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/fc_voice_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->path[0])
        unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Writes text to DIR/name in the fixture; returns its path. */
static const char *write_profile(fixture *f, const char *name, const char *text)
{
    if (f->path[0])
        unlink(f->path);
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    return f->path;
}

/* Loads text and expects code with detail "PATH" followed by `rest`; the
 * profile passed in is left as it was. */
static void expect_failure(fixture *f, const char *text, int code, const char *rest)
{
    const char *path = write_profile(f, "broken.yaml", text);
    voice_profile v = voice_profile_default(), before = v;
    char want[FC_ERROR_DETAIL_MAX];
    snprintf(want, sizeof want, "%s%s", path, rest);
    assert_int_equal(voice_load(path, &v, &f->err), code);
    assert_int_equal(f->err.code, code);
    assert_string_equal(f->err.detail, want);
    assert_memory_equal(&v, &before, sizeof v);
}

static voice_profile load_shipped(const char *name)
{
    char path[512];
    voice_profile v;
    fc_error err = {0};
    memset(&v, 0, sizeof v);
    snprintf(path, sizeof path, "%s/voices/%s.yaml", FC_SOURCE_DIR, name);
    int rc = voice_load(path, &v, &err);
    if (rc < 0)
        fprintf(stderr, "%s\n", fc_error_message(&err));
    assert_int_equal(rc, FC_OK);
    return v;
}

static void test_shipped_voices_load(void **state)
{
    (void)state;
    /* The built-in default is the default profile, field for field. */
    voice_profile d = load_shipped("default"), builtin = voice_profile_default();
    assert_string_equal(d.name, builtin.name);
    assert_string_equal(d.espeak_voice, builtin.espeak_voice);
    assert_int_equal(d.rate, builtin.rate);
    assert_int_equal(d.pitch, builtin.pitch);
    assert_int_equal(d.volume, builtin.volume);
    assert_int_equal(d.cue_pitch, builtin.cue_pitch);

    voice_profile calm = load_shipped("calm");
    assert_string_equal(calm.name, "calm");
    assert_string_equal(calm.espeak_voice, "en-us");
    assert_int_equal(calm.rate, 130);
    assert_int_equal(calm.pitch, 35);
    assert_int_equal(calm.cue_pitch, 60);

    voice_profile british = load_shipped("british");
    assert_string_equal(british.name, "british");
    assert_string_equal(british.espeak_voice, "en-gb-x-rp");
    assert_int_equal(british.rate, 160);
}

static void test_missing_keys_keep_the_default(void **state)
{
    fixture *f = *state;
    /* The name comes from the file name, without its extension. */
    const char *path = write_profile(f, "my.slow.yaml", "espeak_voice: en-gb\nrate: 80\n");
    voice_profile v;
    assert_int_equal(voice_load(path, &v, &f->err), FC_OK);
    assert_string_equal(v.name, "my.slow");
    assert_string_equal(v.espeak_voice, "en-gb");
    assert_int_equal(v.rate, 80);
    assert_int_equal(v.pitch, voice_profile_default().pitch);
    assert_int_equal(v.volume, voice_profile_default().volume);
    assert_int_equal(v.cue_pitch, voice_profile_default().cue_pitch);
}

static void test_unknown_key(void **state)
{
    expect_failure(*state, "espeak_voice: en-us\nspeed: 3\n", FC_ERR_FORMAT,
                   ":2:1: unknown key 'speed' in voice profile");
}

static void test_number_out_of_range(void **state)
{
    fixture *f = *state;
    expect_failure(f, "espeak_voice: en-us\nrate: 500\n", FC_ERR_FORMAT,
                   ":2:7: 'rate' must be a whole number from 80 to 450");
    expect_failure(f, "espeak_voice: en-us\nvolume: -1\n", FC_ERR_FORMAT,
                   ":2:9: 'volume' must be a whole number from 1 to 200");
    /* a silent session would be logged as completed */
    expect_failure(f, "espeak_voice: en-us\nvolume: 0\n", FC_ERR_FORMAT,
                   ":2:9: 'volume' must be a whole number from 1 to 200");
    expect_failure(f, "espeak_voice: en-us\nrate: +165\n", FC_ERR_FORMAT,
                   ":2:7: 'rate' must be a whole number from 80 to 450");
    expect_failure(f, "espeak_voice: en-us\nrate: \" 165\"\n", FC_ERR_FORMAT,
                   ":2:7: 'rate' must be a whole number from 80 to 450");
    /* the same key twice, as routines refuse it */
    expect_failure(f, "espeak_voice: en-us\nrate: 165\nrate: 300\n", FC_ERR_FORMAT,
                   ":3:1: 'rate' is given twice");
    expect_failure(f, "espeak_voice: en-us\npitch: high\n", FC_ERR_FORMAT,
                   ":2:8: 'pitch' must be a whole number from 0 to 100");
    expect_failure(f, "espeak_voice: en-us\ncue_pitch: 50.5\n", FC_ERR_FORMAT,
                   ":2:12: 'cue_pitch' must be a whole number from 0 to 100");
}

static void test_missing_or_bad_espeak_voice(void **state)
{
    fixture *f = *state;
    expect_failure(f, "description: No voice.\nrate: 150\n", FC_ERR_FORMAT,
                   ":1:1: voice profile has no 'espeak_voice'");
    expect_failure(f, "rate: 150\nespeak_voice: [en-us]\n", FC_ERR_FORMAT,
                   ":2:15: 'espeak_voice' must be a voice name such as en-us "
                   "(see 'espeak-ng --voices=en')");
    expect_failure(f, "espeak_voice: \"\"\n", FC_ERR_FORMAT,
                   ":1:15: 'espeak_voice' must be a voice name such as en-us "
                   "(see 'espeak-ng --voices=en')");
}

static void test_not_a_mapping(void **state)
{
    fixture *f = *state;
    static const char want[] =
        ":1:1: a voice profile is a mapping with espeak_voice, rate, pitch and volume";
    expect_failure(f, "- espeak_voice\n- en-us\n", FC_ERR_FORMAT, want);
    expect_failure(f, "", FC_ERR_FORMAT, want);
}

static void test_syntax_error(void **state)
{
    fixture *f = *state;
    const char *path = write_profile(f, "syntax.yaml", "espeak_voice: [en-us\n");
    voice_profile v;
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s:2:1: YAML syntax error: ", path);
    assert_int_equal(voice_load(path, &v, &f->err), FC_ERR_FORMAT);
    assert_int_equal(strncmp(f->err.detail, prefix, strlen(prefix)), 0);
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char path[160], want[256];
    voice_profile v;
    snprintf(path, sizeof path, "%s/none.yaml", f->dir);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    assert_int_equal(voice_load(path, &v, &f->err), FC_ERR_IO);
    assert_int_equal(f->err.code, FC_ERR_IO);
    assert_string_equal(f->err.detail, want);
    /* err may be NULL: the code alone still says what went wrong. */
    assert_int_equal(voice_load(path, &v, NULL), FC_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_voices_load),
        cmocka_unit_test_setup_teardown(test_missing_keys_keep_the_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_or_bad_espeak_voice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
