/* Calibration: tuning on a user's takes, saving and loading the result
 * (the spoken calibration on the sample clock: tests/app/
 * test_calibrate_session.c).
 *
 * The "user" is an eSpeak NG voice unlike the coach's (tests/voices/user.yaml)
 * whose "pain" and "next" the shipped tuning mostly misses: exactly the user
 * calibration is for.  Takes are tuned on three speaking rates and checked on
 * two others that calibration never saw. */
#include "asr.h"
#include "calibrate.h"
#include "fc_error.h"
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define WINDOW (3 * FC_RATE)
#define ROOM_N (2 * FC_RATE)

static const char *const commands[] = {"stop", "pain", "next", "repeat"};
static const char *const others[] = {"top", "step", "neck", "text", "plain", "rain"};

/* The room: faint, deterministic noise (a microphone never gives zeros). */
static void room_noise(int16_t *x, size_t n, unsigned *seed)
{
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        x[i] = (int16_t)((int)((*seed >> 16) % 61) - 30);
    }
}

typedef struct {
    calib_take takes[40];
    int16_t *buf[40];
    int n;
    int16_t room[ROOM_N];
} take_set;

/* One take: the word 0.6 s into a 3 s window of room noise. */
static void add_take(take_set *s, fc_command w, const char *word, int rate, unsigned *seed)
{
    size_t n = 0;
    int16_t *pcm = support_say(word, rate, &n);
    int16_t *win = malloc(WINDOW * sizeof *win);
    room_noise(win, WINDOW, seed);
    for (size_t i = 0; i < n && FC_RATE * 6 / 10 + i < WINDOW; i++)
        win[FC_RATE * 6 / 10 + i] = (int16_t)(win[FC_RATE * 6 / 10 + i] + pcm[i]);
    free(pcm);
    s->buf[s->n] = win;
    s->takes[s->n] = (calib_take){.word = w, .text = word, .pcm = win, .n = WINDOW};
    s->n++;
}

static void make_takes(take_set *s, const int *rates, int n_rates, bool with_others)
{
    unsigned seed = 7;
    memset(s, 0, sizeof *s);
    room_noise(s->room, ROOM_N, &seed);
    for (int r = 0; r < n_rates; r++)
        for (int k = 0; k < 4; k++)
            add_take(s, fc_command_from_name(commands[k]), commands[k], rates[r], &seed);
    if (with_others)
        for (int k = 0; k < 6; k++)
            add_take(s, FC_CMD_NONE, others[k], 150, &seed);
}

static void free_takes(take_set *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->buf[i]);
}

/* Each test gets a fresh recogniser with the shipped tuning. */
static int shipped_asr(void **state)
{
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    asr_t *asr = NULL;
    int rc = asr_create(&cfg, &asr, NULL);
    *state = asr;
    return rc;
}

static int free_asr(void **state)
{
    asr_destroy(*state);
    return 0;
}

/* Commands heard (and anything else taken) on a set, with asr's tuning. */
static calib_score score_with(asr_t *asr, take_set *s)
{
    /* max_bias 0 and no false accepts: the search changes nothing, so
     * "before" is the score of asr as it stands. */
    calib_result r;
    double keep[FC_CMD_STOP + 1];
    for (int w = FC_CMD_NEXT; w <= FC_CMD_STOP; w++)
        keep[w] = asr_get_bias(asr, (fc_command)w);
    assert_int_equal(calib_tune(asr, s->takes, s->n, s->room, ROOM_N, 0.0, &r), 0);
    for (int w = FC_CMD_NEXT; w <= FC_CMD_STOP; w++)
        assert_int_equal(asr_set_bias(asr, (fc_command)w, keep[w]), 0);
    return r.before;
}

static void test_tuning_helps_an_unseen_rate(void **state)
{
    asr_t *asr = *state;
    static const int tune_rates[] = {130, 150, 170}, check_rates[] = {140, 160};
    take_set tune, check;
    make_takes(&tune, tune_rates, 3, true);
    make_takes(&check, check_rates, 2, false);

    calib_score check_before = score_with(asr, &check);
    calib_result r;
    assert_int_equal(calib_tune(asr, tune.takes, tune.n, tune.room, ROOM_N, 20.0, &r), 0);
    calib_score check_after = score_with(asr, &check);
    fprintf(stderr, "  tuned on: heard %d/%d -> %d/%d, others taken %d/%d -> %d/%d\n"
            "  unseen rates: heard %d/%d -> %d/%d, wrong %d -> %d\n"
            "  bias stop %g pain %g next %g repeat %g\n",
            r.before.heard, r.before.commands, r.after.heard, r.after.commands, r.before.taken,
            r.before.others, r.after.taken, r.after.others, check_before.heard,
            check_before.commands, check_after.heard, check_after.commands, check_before.wrong,
            check_after.wrong, r.bias[FC_CMD_STOP], r.bias[FC_CMD_PAIN],
            r.bias[FC_CMD_NEXT], r.bias[FC_CMD_REPEAT]);

    assert_int_equal(r.used, 18);
    assert_int_equal(r.silent, 0);
    /* This voice is one the shipped tuning misses words of... */
    assert_true(r.before.heard < r.before.commands);
    /* ...calibration finds more of them without taking other words... */
    assert_true(r.after.heard > r.before.heard);
    assert_int_equal(r.after.taken, 0);
    assert_int_equal(r.after.wrong, 0);
    /* ...and that holds on takes it was not tuned on. */
    assert_true(check_after.heard > check_before.heard);
    assert_true(check_after.wrong <= check_before.wrong);
    for (int w = FC_CMD_NEXT; w <= FC_CMD_STOP; w++)
        assert_true(r.bias[w] >= ASR_BIAS_MIN && r.bias[w] <= 20.0);

    free_takes(&tune);
    free_takes(&check);
}

static void test_silent_takes_are_left_out(void **state)
{
    asr_t *asr = *state;
    static const int rates[] = {150};
    take_set s;
    make_takes(&s, rates, 1, false);
    /* The user said nothing for the second take: only the room is in it. */
    unsigned seed = 99;
    room_noise(s.buf[1], WINDOW, &seed);
    calib_result r;
    assert_int_equal(calib_tune(asr, s.takes, s.n, s.room, ROOM_N, 20.0, &r), 0);
    assert_int_equal(r.silent, 1);
    assert_int_equal(r.used, 3);
    assert_int_equal(r.before.commands, 3);
    free_takes(&s);
}

static void test_saved_file_is_what_the_recogniser_reads(void **state)
{
    asr_t *ok = *state;
    char dir[] = "/tmp/fc_calib_XXXXXX", path[128];
    fc_error err = {0};
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/deeper/calibration.conf", dir);
    calib_result r;
    memset(&r, 0, sizeof r);
    r.bias[FC_CMD_STOP] = 15;
    r.bias[FC_CMD_PAIN] = 20;
    r.bias[FC_CMD_NEXT] = -5;
    r.before.commands = r.after.commands = 12;
    assert_int_equal(calib_save(path, true, &r, NULL), 0);
    assert_int_equal(asr_conf_check(path, NULL), 0);
    asr_t *asr = support_asr(path);
    assert_true(asr_get_bias(asr, FC_CMD_STOP) == 15.0);
    assert_true(asr_get_bias(asr, FC_CMD_PAIN) == 20.0);
    assert_true(asr_get_bias(asr, FC_CMD_NEXT) == -5.0);
    assert_true(asr_get_bias(asr, FC_CMD_REPEAT) == 0.0);
    asr_destroy(asr);

    /* A damaged file is reported by file and line, and refused. */
    FILE *fp = fopen(path, "a");
    fprintf(fp, "bias.stop = lots\n");
    fclose(fp);
    assert_int_equal(asr_conf_check(path, &err), FC_ERR_FORMAT);
    assert_non_null(strstr(err.detail, "calibration.conf:"));
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    cfg.user_conf = path;
    asr_t *bad = NULL;
    fc_error_clear(&err);
    assert_true(asr_create(&cfg, &bad, &err) < 0);
    assert_null(bad);
    assert_non_null(strstr(err.detail, "calibration.conf:"));
    /* A transform of the acoustic model that is not there is an error, not
     * a silent fall-back to the unadapted model. */
    fp = fopen(path, "w");
    fprintf(fp, "mllr = %s/nowhere.mllr\n", dir);
    fclose(fp);
    assert_int_equal(asr_conf_check(path, NULL), 0);
    assert_true(asr_create(&cfg, &bad, &err) < 0);
    assert_null(bad);
    /* ... and the message names the file that is missing. */
    assert_non_null(strstr(err.detail, "nowhere.mllr"));
    /* A bias is bounded, whoever sets it. */
    double shipped = asr_get_bias(ok, FC_CMD_STOP);
    assert_int_equal(asr_set_bias(ok, FC_CMD_STOP, ASR_BIAS_MAX + 1), FC_ERR_ARG);
    assert_int_equal(asr_set_bias(ok, FC_CMD_NONE, 0), FC_ERR_ARG);
    assert_true(asr_get_bias(ok, FC_CMD_STOP) == shipped);

    unlink(path);
    snprintf(path, sizeof path, "%s/deeper", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tuning_helps_an_unseen_rate, shipped_asr, free_asr),
        cmocka_unit_test_setup_teardown(test_silent_takes_are_left_out, shipped_asr, free_asr),
        cmocka_unit_test_setup_teardown(test_saved_file_is_what_the_recogniser_reads,
                                        shipped_asr, free_asr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
