/* Test helper: prints the onsets of sound bursts in a WAV file, one per line
 * in seconds, then "peak P" and "active S" (seconds above the threshold).
 * A burst starts where the level passes the threshold after at least 150 ms
 * below it. usage: wav_onsets FILE.wav */
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#define LEVEL 0.02 /* about -34 dBFS */

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: wav_onsets FILE.wav\n");
        return 2;
    }
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(argv[1], SFM_READ, &info);
    if (!sf) {
        fprintf(stderr, "%s: %s\n", argv[1], sf_strerror(NULL));
        return 2;
    }
    float *frame = malloc((size_t)info.channels * sizeof *frame);
    long quiet = info.samplerate; /* counts as silence before the start */
    long active = 0;
    double peak = 0;
    for (sf_count_t i = 0; sf_readf_float(sf, frame, 1) == 1; i++) {
        double v = 0;
        for (int c = 0; c < info.channels; c++)
            v = frame[c] > v ? frame[c] : -frame[c] > v ? -frame[c] : v;
        if (v > peak)
            peak = v;
        if (v >= LEVEL) {
            if (quiet >= info.samplerate * 15 / 100)
                printf("%.4f\n", (double)i / info.samplerate);
            quiet = 0;
            active++;
        } else {
            quiet++;
        }
    }
    printf("peak %.3f\nactive %.3f\n", peak, (double)active / info.samplerate);
    free(frame);
    sf_close(sf);
    return 0;
}
