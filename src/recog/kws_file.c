#include "internal/kws_file.h"

#include "datapath.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool kws_read_u32(kws_reader *r, uint32_t *v)
{
    if (r->left < sizeof *v)
        return false;
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += sizeof *v;
    r->left -= sizeof *v;
    return true;
}

bool kws_read_floats(kws_reader *r, size_t n, const float **out, const char **why)
{
    if (r->left / sizeof(float) < n) {
        *why = "truncated in the weights";
        return false;
    }
    const float *v = (const float *)(const void *)r->p;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) {
            *why = "a value is not finite";
            return false;
        }
    *out = v;
    r->p += n * sizeof(float);
    r->left -= n * sizeof(float);
    return true;
}

int kws_file_load(const char *path, const char *what, const char *hint, void **data,
                  size_t *len, fc_error *err)
{
    FILE *f = fopen(path, "rb");
    *data = NULL;
    if (f == NULL)
        return fc_fail(err, FC_ERR_MODEL, "%s: the keyword %s is missing (%s): %s", path, what,
                       strerror(errno), hint);
    int rc = FC_OK;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > KWS_FILE_MAX) {
        rc = fc_fail(err, FC_ERR_FORMAT, "%s: not a keyword %s file: %s", path, what, hint);
        goto out;
    }
    *len = (size_t)st.st_size;
    *data = malloc(*len ? *len : 1);
    if (*data == NULL) {
        rc = fc_fail(err, FC_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    if (fread(*data, 1, *len, f) != *len)
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
out:
    fclose(f);
    return rc;
}

const char *kws_file_path(const char *path, const char *subdir, const char *file, char *buf,
                          size_t cap)
{
    if (path != NULL)
        return path;
    snprintf(buf, cap, "%s/%s/%s", datapath_dir(), subdir, file);
    return buf;
}
