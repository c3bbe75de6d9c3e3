#include "yamldoc.h"

#include "fc_error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int yamldoc_load(const char *path, yamldoc *d, char *err, size_t errlen)
{
    int rc = FC_ERR_NOMEM;
    yaml_parser_t parser;
    int parser_ok = 0;
    FILE *fp = fopen(path, "rb");
    d->loaded = 0;
    if (!fp) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return FC_ERR_IO;
    }
    if (!yaml_parser_initialize(&parser))
        goto done;
    parser_ok = 1;
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &d->doc)) {
        snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s%s%s", path,
                 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "unknown", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        rc = FC_ERR_FORMAT;
        goto done;
    }
    d->loaded = 1;
    rc = FC_OK;
done:
    if (parser_ok)
        yaml_parser_delete(&parser);
    fclose(fp);
    return rc;
}

void yamldoc_free(yamldoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    d->loaded = 0;
}
