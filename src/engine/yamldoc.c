#include "yamldoc.h"

#include "fc_error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int yamldoc_load(const char *path, yamldoc *d, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    yaml_parser_t parser;
    int parser_ok = 0;
    FILE *fp = fopen(path, "rb");
    d->loaded = 0;
    struct stat st;
    if (!fp)
        return fc_fail(err, FC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return fc_fail(err, FC_ERR_IO, "%s: is a folder; give a YAML file", path);
    }
    if (!yaml_parser_initialize(&parser)) {
        fc_fail(err, rc, "%s: out of memory", path);
        goto done;
    }
    parser_ok = 1;
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &d->doc)) {
        rc = fc_fail(err, FC_ERR_FORMAT, "%s:%zu:%zu: YAML syntax error: %s%s%s", path,
                     parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "unknown", parser.context ? " " : "",
                     parser.context ? parser.context : "");
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
