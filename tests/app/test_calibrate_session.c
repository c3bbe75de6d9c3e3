/* calibrate_session: the whole spoken calibration from files on the
 * sample clock (calib_timeline, calib_run); the tuning itself is tested in
 * tests/recog/test_calibrate.c. */
#include "asr.h"
#include "calibrate.h"
#include "calibrate_session.h"
#include "fc_error.h"
#include "support.h"
#include "tts.h"
#include "voice.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* A calibration from files with the default voice: microphone `mic`,
 * prompts to `out`, saving to `save`. */
static calib_config files_config(const char *mic, const char *out, const char *save)
{
    calib_config cfg = calib_config_default();
    assert_int_equal(voice_load(FC_SOURCE_DIR "/voices/default.yaml", &cfg.voice, NULL), 0);
    cfg.audio.in = audio_file(mic);
    cfg.audio.out = audio_file(out);
    cfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    cfg.save_path = save;
    return cfg;
}

/* The whole calibration from files: words placed in the microphone file
 * where calib_timeline() says the windows are. */
static void test_spoken_calibration_from_files(void **state)
{
    (void)state;
    char mic[64], out[64], events[64], save[64];
    snprintf(mic, sizeof mic, "/tmp/fc_cal_mic_%d.wav", (int)getpid());
    snprintf(out, sizeof out, "/tmp/fc_cal_out_%d.wav", (int)getpid());
    snprintf(events, sizeof events, "/tmp/fc_cal_ev_%d.jsonl", (int)getpid());
    unlink(events); /* each calibration makes a new record */
    snprintf(save, sizeof save, "/tmp/fc_cal_save_%d.conf", (int)getpid());

    calib_config cfg = files_config(mic, out, save);
    cfg.events_path = events;
    cfg.repeats = 2;

    tts_t *tts = NULL;
    calib_slot slots[CALIB_MAX_SLOTS];
    assert_int_equal(tts_create(&cfg.voice, &tts, NULL), 0);
    int n = calib_timeline(&cfg, tts, slots, CALIB_MAX_SLOTS);
    tts_destroy(tts);
    assert_true(n > 0);

    const int16_t *clips[CALIB_MAX_SLOTS];
    size_t lens[CALIB_MAX_SLOTS];
    int64_t at[CALIB_MAX_SLOTS];
    int nc = 0, takes = 0;
    for (int i = 0; i < n; i++) {
        if (slots[i].kind != CALIB_TAKE)
            continue;
        takes++;
        /* Every take window comes after its prompt, and the next prompt
         * after the window: the user is never asked over their own word. */
        assert_true(slots[i].listen_at >= slots[i].say_at);
        if (i + 1 < n)
            assert_true(slots[i + 1].say_at >= slots[i].listen_end);
        clips[nc] = support_say(slots[i].label, 150, &lens[nc]);
        at[nc] = slots[i].listen_at + FC_RATE / 2;
        nc++;
    }
    assert_int_equal(takes, 2 * 4 + 6);
    support_write_mic(mic, (double)slots[n - 1].listen_end / FC_RATE + 1, clips, lens, at, nc);

    calib_result r;
    fc_error err = {0};
    int rc = calib_run(&cfg, &r, &err);
    if (rc < 0)
        fail_msg("calib_run: %s", fc_error_message(&err));
    assert_int_equal(r.used, 14);
    assert_int_equal(r.silent, 0);
    /* Never worse than the shipped tuning by calibration's own measure: a
     * command missed costs one, anything taken for a command two. */
    assert_true(r.after.heard - 2 * (r.after.wrong + r.after.taken) >=
                r.before.heard - 2 * (r.before.wrong + r.before.taken));
    assert_int_equal(access(save, R_OK), 0);
    asr_t *asr = support_asr(save);
    for (int w = FC_CMD_NEXT; w <= FC_CMD_STOP; w++)
        assert_true(asr_get_bias(asr, (fc_command)w) == r.bias[w]);
    asr_destroy(asr);

    /* The log records every take and the outcome. */
    FILE *fp = fopen(events, "r");
    assert_non_null(fp);
    char line[2048];
    int recorded = 0, calibrated = 0, end_ok = 0;
    while (fgets(line, sizeof line, fp)) {
        /* Every prompt is said whole: a sentence, not a cut-off buffer. */
        if (strstr(line, "\"event\":\"say\""))
            assert_non_null(strstr(line, ".\"}"));
        recorded += strstr(line, "\"event\":\"recorded\"") != NULL;
        calibrated += strstr(line, "\"event\":\"calibrated\"") != NULL;
        end_ok += strstr(line, "\"reason\":\"calibrated\"") != NULL;
    }
    fclose(fp);
    assert_int_equal(recorded, 1 + 14);
    assert_int_equal(calibrated, 1);
    assert_int_equal(end_ok, 1);

    for (int i = 0; i < nc; i++)
        free((void *)clips[i]);
    unlink(mic);
    unlink(out);
    unlink(events);
    unlink(save);
}

/* Nobody answered (a dead or muted microphone): nothing is saved, and the
 * user is told to check the microphone. */
static void test_silent_microphone_changes_nothing(void **state)
{
    (void)state;
    char mic[64], out[64], save[64];
    fc_error err = {0};
    snprintf(mic, sizeof mic, "/tmp/fc_cal_mic0_%d.wav", (int)getpid());
    snprintf(out, sizeof out, "/tmp/fc_cal_out0_%d.wav", (int)getpid());
    snprintf(save, sizeof save, "/tmp/fc_cal_save0_%d.conf", (int)getpid());
    support_write_mic(mic, 200, NULL, NULL, NULL, 0);
    calib_config cfg = files_config(mic, out, save);
    cfg.repeats = 1;
    calib_result r;
    assert_true(calib_run(&cfg, &r, &err) < 0);
    assert_non_null(strstr(err.detail, "microphone"));
    assert_int_equal(access(save, F_OK), -1);
    unlink(mic);
    unlink(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spoken_calibration_from_files),
        cmocka_unit_test(test_silent_microphone_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
