/* fuzz_input: the per-process input file (see fuzz_input.h). */
#include "fuzz_input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

/* Where the per-process directory goes when $TMPDIR is not set. */
#define FALLBACK_TMPDIR "/tmp"

static char dir_path[PATH_MAX];
static char input_path[PATH_MAX];

static void remove_input(void)
{
    unlink(input_path);
    rmdir(dir_path);
}

/* Leaves the input directory behind only when the process dies of a crash
 * (libFuzzer then skips atexit); make fuzz removes its whole $TMPDIR. */
static void make_input_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0')
        tmp = FALLBACK_TMPDIR;
    int len = snprintf(dir_path, sizeof dir_path, "%s/floorcoach-fuzz.XXXXXX", tmp);
    if (len < 0 || (size_t)len >= sizeof dir_path || mkdtemp(dir_path) == NULL) {
        fprintf(stderr, "fuzz: cannot make a directory in %s: %s\n", tmp, strerror(errno));
        exit(EXIT_FAILURE);
    }
    len = snprintf(input_path, sizeof input_path, "%s/%s", dir_path, fuzz_this.file_name);
    if (len < 0 || (size_t)len >= sizeof input_path) {
        fprintf(stderr, "fuzz: %s: path too long\n", dir_path);
        exit(EXIT_FAILURE);
    }
    atexit(remove_input);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    make_input_dir();
    if (fuzz_this.init != NULL)
        fuzz_this.init();
    return 0;
}

const char *fuzz_input_write(const uint8_t *data, size_t size)
{
    int fd = open(input_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fprintf(stderr, "fuzz: %s: %s\n", input_path, strerror(errno));
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "fuzz: writing %s: %s\n", input_path, strerror(errno));
            abort();
        }
        done += (size_t)n;
    }
    close(fd);
    return input_path;
}
