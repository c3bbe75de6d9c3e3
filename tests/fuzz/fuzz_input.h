/* fuzz_input: what every fuzz target shares.
 *
 * The loaders under test read files, not buffers, so each input is written
 * to one file in a directory of this process's own, made once under
 * $TMPDIR (make fuzz points it at tmpfs), and the loader is given its path.
 * Each target defines fuzz_this and LLVMFuzzerTestOneInput; this file's
 * LLVMFuzzerInitialize makes the directory, then runs the target's init. */
#ifndef FLOORCOACH_FUZZ_INPUT_H
#define FLOORCOACH_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    /* The input file's name: some formats read theirs (a voice profile is
     * named after its file). */
    const char *file_name;
    /* Once, before the first input; NULL: nothing to set up. Exits on
     * failure, as no input could then be tested. */
    void (*init)(void);
} fuzz_target;

extern const fuzz_target fuzz_this;

/* Writes data[0..size) to this process's input file and returns its path.
 * Aborts when it cannot: an input that never reached the loader must not
 * count as passed. */
const char *fuzz_input_write(const uint8_t *data, size_t size);

/* A promise the loader's header makes, checked on every input; broken, it
 * aborts, and libFuzzer keeps the input as a crash. */
#define FUZZ_CHECK(cond)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                     \
            abort();                                                            \
        }                                                                       \
    } while (0)

#endif
