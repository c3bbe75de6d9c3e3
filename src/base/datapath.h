/* datapath: where floorcoach's data lives (scripts/, voices/, grammars/),
 * whether it runs from the source tree or installed. */
#ifndef FLOORCOACH_DATAPATH_H
#define FLOORCOACH_DATAPATH_H

#include <stddef.h>

/* Any thread. The data directory: $FLOORCOACH_DATA if set; the source tree
 * when the program runs from its build directory; else the installed copy,
 * looked for beside the executable (PREFIX/share/floorcoach) and then at the
 * configured install prefix. */
const char *datapath_dir(void);

/* Any thread. Resolves NAME to a file: NAME itself if it exists, else
 * DATA/SUBDIR/NAME, else DATA/SUBDIR/NAME.yaml. Writes the path to out and
 * returns 0, or FC_ERR_IO if none exists (out then holds the last tried). */
int datapath_find(const char *subdir, const char *name, char *out, size_t len);

/* Any thread. The folder that holds path ("." for a bare name, "/" for
 * one at the root) into dst, to check it can be written before writing.
 * Returns 0, or FC_ERR_ARG with errno ENAMETOOLONG when it does not fit. */
int datapath_folder(const char *path, char *dst, size_t cap);

/* The mode of a folder floorcoach makes: the user's data (calibration,
 * history) is the user's alone. */
#define DATAPATH_FOLDER_MODE 0700

/* Any thread. mkdir -p for the folder that holds path, each new folder
 * DATAPATH_FOLDER_MODE. Returns 0, FC_ERR_ARG (too long) or FC_ERR_IO
 * (errno says why). */
int datapath_make_folder(const char *path);

#endif
