/* yamldoc: reads a whole YAML file into a libyaml document, with errors that
 * name the file, line and column. Shared by routines and voice profiles. */
#ifndef FLOORCOACH_YAMLDOC_H
#define FLOORCOACH_YAMLDOC_H

#include "fc_error.h"

#include <stddef.h>
#include <yaml.h>

typedef struct {
    yaml_document_t doc;
    int loaded;
} yamldoc;

/* Any thread. Returns 0; or FC_ERR_IO ("FILE: cannot open: reason") or
 * FC_ERR_FORMAT ("FILE:LINE:COL: YAML syntax error: ...") with err set. */
int yamldoc_load(const char *path, yamldoc *d, fc_error *err);
/* Any thread. Accepts a document that failed to load. */
void yamldoc_free(yamldoc *d);

#endif
