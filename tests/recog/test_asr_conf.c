/* asr_conf: the asr.conf parser. A good file lands in the settings (times
 * in frames, ps.* passed through); a bad line is named by file and line;
 * a bias out of range and a missing file are refused. */
#include "asr.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "internal/asr_conf.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

typedef struct {
    char path[64];
} conf_file;

static int make_path(void **state)
{
    conf_file *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "/tmp/fc_asr_conf_%d.conf", (int)getpid());
    *state = f;
    return 0;
}

static int remove_file(void **state)
{
    conf_file *f = *state;
    unlink(f->path);
    free(f);
    return 0;
}

static void write_conf(const conf_file *f, const char *text)
{
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_good_file(void **state)
{
    conf_file *f = *state;
    write_conf(f, "# a comment\n"
                  "\n"
                  "dict = my.dict   # trailing comment\n"
                  "vad_on_db = 7.5\n"
                  "vad_start_ms = 40\n"
                  "vad_floor_rise_db_per_s = 5\n"
                  "vad_floor_window_ms = 1500\n"
                  "  bias.stop =  -4.5  \n"
                  "min_llr.pain = -2\n"
                  "verify = 0\n"
                  "ps.beam = 1e-60\n");
    asr_settings s = asr_settings_default();
    fc_error err = {0};
    assert_int_equal(asr_conf_read(&s, f->path, &err), FC_OK);
    assert_string_equal(s.dict, "my.dict");
    assert_string_equal(s.grammar, "commands.gram"); /* untouched: the default */
    assert_true(s.vad.on_db == 7.5);
    assert_int_equal(s.vad.start_frames, 4);
    assert_true(s.vad.floor_rise_db == 5.0 / FC_FRAMES_PER_SECOND);
    assert_int_equal(s.vad.floor_win, 150);
    assert_true(s.bias[FC_CMD_STOP] == -4.5);
    assert_true(s.bias[FC_CMD_NEXT] == 0.0);
    assert_true(s.min_llr[FC_CMD_PAIN] == -2.0);
    assert_false(s.verify);
    assert_int_equal(s.n_ps, 1);
    assert_string_equal(s.ps_key[0], "-beam");
    assert_string_equal(s.ps_val[0], "1e-60");
    assert_int_equal(asr_conf_check(f->path, NULL), FC_OK);
}

static void test_shipped_file_is_valid(void **state)
{
    (void)state;
    fc_error err = {0};
    assert_int_equal(asr_conf_check(FC_SOURCE_DIR "/grammars/asr.conf", &err), FC_OK);
}

static void test_unknown_key_names_file_and_line(void **state)
{
    conf_file *f = *state;
    write_conf(f, "vad_on_db = 9\n# fine so far\nvad_on_dB = 9\nvad_off_db = 6\n");
    char want[96];
    snprintf(want, sizeof want, "%s:3:", f->path);
    fc_error err = {0};
    assert_int_equal(asr_conf_check(f->path, &err), FC_ERR_FORMAT);
    assert_int_equal(err.code, FC_ERR_FORMAT);
    assert_non_null(strstr(err.detail, want));
    /* A line without '=' and a number that is not one are refused alike. */
    write_conf(f, "vad_on_db 9\n");
    assert_int_equal(asr_conf_check(f->path, NULL), FC_ERR_FORMAT);
    write_conf(f, "vad_on_db = 9 dB\n");
    assert_int_equal(asr_conf_check(f->path, NULL), FC_ERR_FORMAT);
}

static void test_bias_and_times_out_of_range(void **state)
{
    conf_file *f = *state;
    char text[128], want[96];
    fc_error err = {0};
    snprintf(text, sizeof text, "bias.stop = 5\nbias.pain = %g\n", ASR_BIAS_MAX + 1);
    write_conf(f, text);
    snprintf(want, sizeof want, "%s:2:", f->path);
    assert_int_equal(asr_conf_check(f->path, &err), FC_ERR_FORMAT);
    assert_non_null(strstr(err.detail, want));
    snprintf(text, sizeof text, "bias.pain = %g\n", ASR_BIAS_MIN - 1);
    write_conf(f, text);
    assert_int_equal(asr_conf_check(f->path, NULL), FC_ERR_FORMAT);
    snprintf(text, sizeof text, "bias.pain = %g\nbias.stop = %g\n", ASR_BIAS_MIN, ASR_BIAS_MAX);
    write_conf(f, text);
    assert_int_equal(asr_conf_check(f->path, NULL), FC_OK);
    /* A bias for a word that is no command. */
    write_conf(f, "bias.neck = 1\n");
    assert_int_equal(asr_conf_check(f->path, NULL), FC_ERR_FORMAT);
    /* A pre-roll longer than the detector keeps. */
    snprintf(text, sizeof text, "vad_preroll_ms = %d\n", (VAD_MAX_PREROLL_FRAMES + 1) * 1000 / FC_FRAMES_PER_SECOND);
    write_conf(f, text);
    assert_int_equal(asr_conf_check(f->path, NULL), FC_ERR_FORMAT);
}

/* The fused decision's thresholds: per word, for the quiet and the talking
 * set, between 0 and ASR_KWS_MAX; anything else names its line. */
static void test_kws_thresholds(void **state)
{
    conf_file *f = *state;
    write_conf(f, "kws.fire.stop = 0.95\nkws.talking.confirm.pain = 0.7\nkws.probe.next = 2\n");
    asr_settings s = asr_settings_default();
    assert_int_equal(asr_conf_read(&s, f->path, NULL), FC_OK);
    assert_true(s.kws[ASR_KWS_QUIET][ASR_KWS_FIRE][FC_CMD_STOP] == 0.95);
    assert_true(s.kws[ASR_KWS_TALKING][ASR_KWS_CONFIRM][FC_CMD_PAIN] == 0.7);
    assert_true(s.kws[ASR_KWS_QUIET][ASR_KWS_PROBE][FC_CMD_NEXT] == 2.0);
    assert_true(isnan(s.kws[ASR_KWS_QUIET][ASR_KWS_CONFIRM][FC_CMD_PAIN])); /* unset */
    assert_true(isnan(s.kws[ASR_KWS_TALKING][ASR_KWS_FIRE][FC_CMD_STOP]));
    static const char *const bad[] = { "kws.fire.neck = 0.5\n", "kws.fire.stop = 2.5\n",
                                       "kws.fire.stop = -0.1\n", "kws.loud.stop = 0.5\n",
                                       "kws.talking.fire = 0.5\n", "kws.talking.stop = 0.5\n" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fc_error err = {0};
        write_conf(f, bad[i]);
        assert_int_equal(asr_conf_check(f->path, &err), FC_ERR_FORMAT);
        assert_non_null(strstr(err.detail, ":1:"));
    }
}

static void test_missing_file(void **state)
{
    (void)state;
    fc_error err = {0};
    assert_int_equal(asr_conf_check("/nonexistent/asr.conf", &err), FC_ERR_IO);
    assert_non_null(strstr(err.detail, "/nonexistent/asr.conf"));
    asr_settings s = asr_settings_default();
    assert_int_equal(asr_conf_read(&s, "/nonexistent/asr.conf", NULL), FC_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_file, make_path, remove_file),
        cmocka_unit_test(test_shipped_file_is_valid),
        cmocka_unit_test_setup_teardown(test_kws_thresholds, make_path, remove_file),
        cmocka_unit_test_setup_teardown(test_unknown_key_names_file_and_line, make_path,
                                        remove_file),
        cmocka_unit_test_setup_teardown(test_bias_and_times_out_of_range, make_path,
                                        remove_file),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
