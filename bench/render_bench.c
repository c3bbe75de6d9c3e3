/* Renders a whole routine to a WAV file, as `floorcoach run --out` does, and
 * prints wall time against session length, and peak memory.
 * usage: render_bench [ROUTINE] [--voice NAME] [--runs N]
 * Targets (issue 2): wall <= 2% of session length, peak RSS < 32 MB. */
#include "coach.h"
#include "datapath.h"
#include "routine.h"
#include "voice.h"

#include <limits.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *routine_name = "fai", *voice_name = "default";
    int runs = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--voice") && i + 1 < argc)
            voice_name = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else
            routine_name = argv[i];
    }
    char rpath[PATH_MAX], vpath[PATH_MAX], wav[64];
    fc_error err = {0};
    if (datapath_find("scripts", routine_name, rpath, sizeof rpath) < 0 ||
        datapath_find("voices", voice_name, vpath, sizeof vpath) < 0) {
        fprintf(stderr, "render_bench: routine or voice not found\n");
        return 2;
    }
    routine_t *r = NULL;
    routine_report rep = {0};
    if (routine_load(rpath, &r, &rep, NULL) < 0) {
        fprintf(stderr, "render_bench: %s is invalid\n", rpath);
        return 2;
    }
    coach_config cfg = coach_config_default();
    cfg.routine = r;
    if (voice_load(vpath, &cfg.voice, &err) < 0) {
        fprintf(stderr, "render_bench: %s\n", fc_error_message(&err));
        return 2;
    }
    snprintf(wav, sizeof wav, "/tmp/render_bench_%d.wav", (int)getpid());
    cfg.audio.out = audio_file(wav);

    printf("routine %s, voice %s\n", rpath, voice_name);
    printf("%-5s %12s %10s %10s\n", "run", "session (s)", "wall (s)", "ratio");
    double best = 1e9, length = 0;
    for (int k = 0; k < runs; k++) {
        session_end_reason reason;
        double t0 = now_s();
        if (coach_run(&cfg, &reason, &err) < 0) {
            fprintf(stderr, "render_bench: %s\n", fc_error_message(&err));
            return 2;
        }
        double wall = now_s() - t0;
        SF_INFO info = {0};
        SNDFILE *sf = sf_open(wav, SFM_READ, &info);
        length = sf ? (double)info.frames / info.samplerate : 0;
        if (sf)
            sf_close(sf);
        printf("%-5d %12.1f %10.3f %9.3f%%\n", k + 1, length, wall, 100.0 * wall / length);
        if (wall < best)
            best = wall;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("best ratio %.3f%% of session length (target <= 2%%)\n", 100.0 * best / length);
    printf("peak RSS %.1f MB (target < 32 MB)\n", ru.ru_maxrss / 1024.0);
    unlink(wav);
    routine_destroy(r);
    return 0;
}
