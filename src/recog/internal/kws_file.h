/* kws_file: what the learned detector's weight files (kws-frontend.bin,
 * head.bin) share: loading a whole file with a message that says how to
 * install it, and reading little-endian fields and float32 data in place.
 * Internal to src/recog. Any thread. */
#ifndef FLOORCOACH_KWS_FILE_H
#define FLOORCOACH_KWS_FILE_H

#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tensor data is used in place, as the host's floats. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the keyword files are read as little-endian float32 in place: port the loader first"
#endif

/* The real files are a few MB; anything past this is not one. */
#define KWS_FILE_MAX (64L * 1024 * 1024)

typedef struct {
    const unsigned char *p;
    size_t left;
} kws_reader;

/* The next uint32; false when truncated. */
bool kws_read_u32(kws_reader *r, uint32_t *v);

/* The next n float32, in place; false (with why) when truncated or when a
 * value is not finite. */
bool kws_read_floats(kws_reader *r, size_t n, const float **out, const char **why);

/* Loads all of path into *data (the caller frees it). `what` names the file
 * in messages ("front end", "head"), `hint` says how to install it. A
 * missing file is FC_ERR_MODEL; one that is no regular file or too big,
 * FC_ERR_FORMAT. */
int kws_file_load(const char *path, const char *what, const char *hint, void **data,
                  size_t *len, fc_error *err);

/* path, or when NULL the installed file subdir/file under the data
 * directory, written into buf (cap bytes). Not datapath_find: a file of
 * that name in the working directory must not stand in for the installed
 * one; a missing file is then reported by kws_file_load with this path. */
const char *kws_file_path(const char *path, const char *subdir, const char *file, char *buf,
                          size_t cap);

#endif
