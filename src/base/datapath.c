#include "datapath.h"

#include "fc_error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *datapath_dir(void)
{
    static char dir[PATH_MAX];
    const char *env = getenv("FLOORCOACH_DATA");
    if (env && *env)
        return env;
    if (dir[0])
        return dir;
    /* A binary in the build tree uses the source tree's data, so edits to a
     * script take effect without reinstalling. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        size_t blen = strlen(FC_BUILD_DIR);
        if (!strncmp(exe, FC_BUILD_DIR, blen) && exe[blen] == '/' && is_dir(FC_SOURCE_DIR)) {
            snprintf(dir, sizeof dir, "%s", FC_SOURCE_DIR);
            return dir;
        }
        /* Installed: PREFIX/bin/floorcoach finds PREFIX/share/floorcoach,
         * wherever the prefix was moved to (a package, a staging dir). */
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char rel[PATH_MAX + 32];
            snprintf(rel, sizeof rel, "%s/../share/floorcoach", exe);
            if (is_dir(rel) && realpath(rel, dir))
                return dir;
        }
    }
    snprintf(dir, sizeof dir, "%s", is_dir(FC_INSTALL_DATADIR) ? FC_INSTALL_DATADIR
                                                                : FC_SOURCE_DIR);
    return dir;
}

int datapath_folder(const char *path, char *dst, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    if (n >= cap) {
        if (cap > 0)
            dst[0] = '\0'; /* still printable in the caller's message */
        errno = ENAMETOOLONG;
        return FC_ERR_ARG;
    }
    memcpy(dst, !slash ? "." : path, n);
    dst[n] = '\0';
    return FC_OK;
}

int datapath_find(const char *subdir, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s", name);
    if (is_file(out))
        return FC_OK;
    if (strchr(name, '/'))
        return FC_ERR_IO; /* an explicit path that is not there */
    snprintf(out, len, "%s/%s/%s", datapath_dir(), subdir, name);
    if (is_file(out))
        return FC_OK;
    size_t n = strlen(name);
    if (n >= 5 && !strcmp(name + n - 5, ".yaml"))
        return FC_ERR_IO; /* a file name, not a name to add .yaml to */
    snprintf(out, len, "%s/%s/%s.yaml", datapath_dir(), subdir, name);
    return is_file(out) ? FC_OK : FC_ERR_IO;
}

int datapath_make_folder(const char *path)
{
    char dir[PATH_MAX];
    if (datapath_folder(path, dir, sizeof dir) < 0)
        return FC_ERR_ARG;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, DATAPATH_FOLDER_MODE) < 0 && errno != EEXIST)
            return FC_ERR_IO;
        *p = '/';
    }
    return mkdir(dir, DATAPATH_FOLDER_MODE) < 0 && errno != EEXIST ? FC_ERR_IO : FC_OK;
}
