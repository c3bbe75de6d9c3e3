/* calibrate: per-user tuning of the command biases (see calibrate.h). */
#define _POSIX_C_SOURCE 200809L

#include "calibrate.h"
#include "datapath.h"
#include "energy.h"
#include "fc_clock.h"
#include "fc_error.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LEAD_SAMPLES ((size_t)FC_MS(1000)) /* room sound before a take: the VAD learns the room */
#define TAIL_SAMPLES ((size_t)FC_MS(800))  /* ... and after it, so the segment closes */
/* A take whose loudest 10 ms is not this far above the room is silence. */
#define SPEECH_ABOVE_ROOM_DB 12.0
/* Bias grid, nats: fine enough that one step moves a handful of words. */
#define BIAS_STEP 5.0

static const fc_command tuned_words[] = { FC_CMD_STOP, FC_CMD_PAIN, FC_CMD_NEXT,
                                        FC_CMD_REPEAT };
#define N_TUNED (int)(sizeof tuned_words / sizeof tuned_words[0])

/* A 10 ms level in dB, without DC removal: the level the room and the
 * takes were always compared at. */
static double frame_db(const int16_t *x)
{
    return energy_db(energy_mean_square(x, FC_FRAME, false));
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median 10 ms level of the room recording. */
static double room_db(const int16_t *room, size_t n)
{
    size_t frames = n / FC_FRAME;
    if (frames == 0)
        return 0.0;
    double *e = malloc(frames * sizeof *e);
    if (e == NULL)
        return 0.0;
    for (size_t i = 0; i < frames; i++)
        e[i] = frame_db(room + i * FC_FRAME);
    qsort(e, frames, sizeof *e, by_value);
    double med = e[frames / 2];
    free(e);
    return med;
}

static bool take_has_speech(const calib_take *t, double room_level)
{
    double peak = 0.0;
    for (size_t off = 0; off + FC_FRAME <= t->n; off += FC_FRAME)
        peak = fmax(peak, frame_db(t->pcm + off));
    return peak >= room_level + SPEECH_ABOVE_ROOM_DB;
}

/* Feeds `len` samples of the room recording (looped; silence when there is
 * none) at *clock. */
static int feed_room(asr_t *asr, const int16_t *room, size_t room_n, size_t len,
                     int64_t *clock, asr_heard *h, int *nh, int max)
{
    int16_t buf[FC_FRAME];
    size_t pos = 0;
    for (size_t done = 0; done < len; done += FC_FRAME) {
        for (int i = 0; i < FC_FRAME; i++) {
            buf[i] = room_n > 0 ? room[pos] : 0;
            pos = room_n > 0 ? (pos + 1) % room_n : 0;
        }
        int got = asr_process(asr, *clock, buf, FC_FRAME, h + *nh, max - *nh);
        if (got < 0)
            return got;
        *nh += got;
        *clock += FC_FRAME;
    }
    return FC_OK;
}

/* What the recogniser makes of one take, as a session would hear it. */
static int take_words(asr_t *asr, const calib_take *t, const int16_t *room, size_t room_n,
                      asr_heard *h, int max)
{
    int64_t clock = 0;
    int nh = 0, rc, got;
    asr_reset(asr);
    if ((rc = feed_room(asr, room, room_n, LEAD_SAMPLES, &clock, h, &nh, max)) < 0)
        return rc;
    if ((got = asr_process(asr, clock, t->pcm, t->n, h + nh, max - nh)) < 0)
        return got;
    nh += got;
    clock += (int64_t)t->n;
    if ((rc = feed_room(asr, room, room_n, TAIL_SAMPLES, &clock, h, &nh, max)) < 0)
        return rc;
    /* A gap in the clock settles whatever is still open. */
    if ((got = asr_process(asr, clock + 1, NULL, 0, h + nh, max - nh)) < 0)
        return got;
    return nh + got;
}

/* A command missed costs one; one heard wrongly, or an ordinary word taken
 * for a command, costs two: those make the coach act on its own. */
static int objective(const calib_score *s)
{
    return s->heard - 2 * (s->wrong + s->taken);
}

/* Scores the takes in use.  With need > INT_MIN, gives up (returning 1) as
 * soon as the objective can no longer reach need even if every remaining
 * command take were heard: most candidate biases lose early, and each take
 * costs a decode. */
static int score_takes(asr_t *asr, const calib_take *takes, const bool *use, int n,
                       const int16_t *room, size_t room_n, int need, calib_score *s)
{
    int commands_left = 0;
    memset(s, 0, sizeof *s);
    for (int i = 0; i < n; i++)
        commands_left += use[i] && takes[i].word != FC_CMD_NONE;
    for (int i = 0; i < n; i++) {
        if (!use[i])
            continue;
        asr_heard h[16];
        int nh = take_words(asr, &takes[i], room, room_n, h, 16);
        if (nh < 0)
            return nh;
        bool right = false, other = false;
        for (int j = 0; j < nh; j++) {
            if (h[j].word == takes[i].word)
                right = true;
            else if (h[j].word != FC_CMD_NONE)
                other = true;
        }
        if (takes[i].word != FC_CMD_NONE) {
            s->commands++;
            s->heard += right;
            s->wrong += other;
            commands_left--;
        } else {
            s->others++;
            s->taken += other;
        }
        if (need > INT_MIN && objective(s) + commands_left < need)
            return 1;
    }
    return FC_OK;
}

int calib_tune(asr_t *asr, const calib_take *takes, int n, const int16_t *room, size_t room_n,
               double max_bias, calib_result *out)
{
    bool *use = NULL;
    int rc = FC_ERR_ARG;
    if (asr == NULL || takes == NULL || n <= 0 || out == NULL || (room == NULL && room_n > 0) ||
        !(max_bias >= 0.0 && max_bias <= ASR_BIAS_MAX))
        return FC_ERR_ARG;
    memset(out, 0, sizeof *out);
    if ((use = calloc((size_t)n, sizeof *use)) == NULL)
        return FC_ERR_NOMEM;
    double level = room_db(room, room_n);
    for (int i = 0; i < n; i++) {
        use[i] = takes[i].pcm != NULL && take_has_speech(&takes[i], level);
        out->used += use[i];
        out->silent += !use[i];
    }
    if ((rc = score_takes(asr, takes, use, n, room, room_n, INT_MIN, &out->before)) < 0)
        goto fail;

    /* One pass of coordinate search, most safety-critical word first.
     * Ties go to the bias nearest the shipped tuning: the takes are few, and
     * every nat away from it trades general rejection for this user. */
    calib_score best = out->before;
    for (int k = 0; k < N_TUNED; k++) {
        fc_command w = tuned_words[k];
        double start = asr_get_bias(asr, w), best_b = start;
        double lo = best.taken + best.wrong > 0 ? ASR_BIAS_MIN : 0.0;
        for (double b = lo; b <= max_bias + 1e-9; b += BIAS_STEP) {
            if (fabs(b - start) < 1e-9)
                continue;
            calib_score s;
            /* To win, beat the best; or tie it, nearer the shipped tuning. */
            bool nearer = fabs(b - start) < fabs(best_b - start);
            int need = objective(&best) + (nearer ? 0 : 1);
            if ((rc = asr_set_bias(asr, w, b)) < 0 ||
                (rc = score_takes(asr, takes, use, n, room, room_n, need, &s)) < 0)
                goto fail;
            if (rc == 1)
                continue; /* cannot win */
            if (objective(&s) >= need) {
                best = s;
                best_b = b;
            }
        }
        if ((rc = asr_set_bias(asr, w, best_b)) < 0)
            goto fail;
    }
    out->after = best;
    for (int w = FC_CMD_NEXT; w <= FC_CMD_STOP; w++)
        out->bias[w] = asr_get_bias(asr, (fc_command)w);
    rc = FC_OK;
fail:
    free(use);
    return rc;
}

/* Only a regular file, or nothing, may be replaced: renaming over a
 * symlink or a device node would destroy what the user pointed at. */
static int check_target(const char *path, fc_error *err)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? FC_OK
                               : fc_fail(err, FC_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISREG(st.st_mode))
        return FC_OK;
    return fc_fail(err, FC_ERR_IO, "%s: is a %s, not a calibration file; give a plain file's "
                   "path", path, S_ISLNK(st.st_mode) ? "symbolic link" : S_ISDIR(st.st_mode)
                   ? "folder" : "device or special file");
}

int calib_save_check(const char *path, bool make_folder, fc_error *err)
{
    int rc = check_target(path, err);
    if (rc < 0 || make_folder)
        return rc;
    char folder[PATH_MAX];
    if (datapath_folder(path, folder, sizeof folder) < 0 || access(folder, W_OK) < 0)
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot save there: %s (%s); create the folder first, "
                     "or give another path", path, folder, strerror(errno));
    return rc;
}

int calib_save(const char *path, bool make_folder, const calib_result *r, fc_error *err)
{
    char tmp[4200], when[32];
    FILE *fp = NULL;
    int rc = FC_ERR_IO, fd;
    if (path == NULL || r == NULL)
        return fc_fail(err, FC_ERR_ARG, "calibration: nothing to save");
    if ((rc = check_target(path, err)) < 0)
        return rc;
    rc = FC_ERR_IO;
    if (make_folder && datapath_make_folder(path) < 0)
        return fc_fail(err, FC_ERR_IO, "%s: cannot create its folder (%s)", path,
                       strerror(errno));
    /* A new, exclusive name (mkstemp: mode 0600): never a file, or a link,
     * that was already there. */
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
        return fc_fail(err, FC_ERR_IO, "%s: the path is too long", path);
    if ((fd = mkstemp(tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return fc_fail(err, FC_ERR_IO, "%s: cannot write (%s)%s", path, strerror(e),
                       e == ENOENT ? "; create its folder first" : "");
    }
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime_r(&now, &tm));
    fprintf(fp,
            "# floorcoach calibration, written by `floorcoach calibrate` on %s.\n"
            "# Read after grammars/asr.conf; delete this file to go back to the defaults.\n"
            "# Your takes: commands heard %d of %d before, %d after; heard as the wrong\n"
            "# command %d before, %d after; other words taken for a command %d of %d\n"
            "# before, %d after.\n",
            when, r->before.heard, r->before.commands, r->after.heard, r->before.wrong,
            r->after.wrong, r->before.taken, r->before.others, r->after.taken);
    for (int w = FC_CMD_NEXT; w <= FC_CMD_STOP; w++)
        fprintf(fp, "bias.%s = %g\n", fc_command_name((fc_command)w), r->bias[w]);
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
        fc_fail(err, FC_ERR_IO, "%s: write failed (%s)", tmp, strerror(errno));
        goto fail;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        fc_fail(err, FC_ERR_IO, "%s: write failed (%s)", tmp, strerror(errno));
        goto fail;
    }
    fp = NULL;
    /* The old file stays whole until the new one is complete. */
    if (rename(tmp, path) < 0) {
        fc_fail(err, FC_ERR_IO, "%s: cannot replace (%s)", path, strerror(errno));
        goto fail;
    }
    return FC_OK;
fail:
    if (fp != NULL)
        fclose(fp);
    unlink(tmp);
    return rc;
}
