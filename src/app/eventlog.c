#include "eventlog.h"

#include "fc_clock.h"
#include "fc_error.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct eventlog {
    FILE *fp;
    int owns_fp;
    char *session; /* eventlog_set_session, or NULL */
};

/* A regular file with something in it: someone's earlier record. */
static bool holds_a_record(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

int eventlog_open(const char *path, bool append, eventlog_t **out, fc_error *err)
{
    eventlog_t *log = calloc(1, sizeof *log);
    *out = NULL;
    if (!log)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening the event log");
    if (path && !strcmp(path, "-")) {
        log->fp = stdout;
    } else if (path && !append && holds_a_record(path)) {
        free(log);
        return fc_fail(err, FC_ERR_IO, "%s already holds a record (an earlier session's "
                       "log); give a new file, remove that one, or add this session to it "
                       "with --append", path);
    } else if (path) {
        log->fp = fopen(path, append ? "a" : "w");
        if (!log->fp) {
            free(log);
            return fc_fail(err, FC_ERR_IO, "%s: cannot write the event log; check the folder "
                           "exists and is writable", path);
        }
        log->owns_fp = 1;
    }
    *out = log;
    return FC_OK;
}

void eventlog_close(eventlog_t *log)
{
    if (!log)
        return;
    if (log->owns_fp)
        fclose(log->fp);
    else if (log->fp)
        fflush(log->fp);
    free(log->session);
    free(log);
}

int eventlog_write(eventlog_t *log, int64_t t, const char *event, const char *fields, ...)
{
    int rc = FC_ERR_IO;
    json_t *obj = NULL, *extra = NULL;
    char *line = NULL;
    /* Packed even for a log that discards, so that a field passed with
     * "s:o" (which the object takes over) is always freed. */
    bool discard = !log || !log->fp;
    if (discard)
        rc = FC_OK;

    obj = json_pack("{s:s}", "event", event);
    if (!obj || (!discard && log->session &&
                 json_object_set_new(obj, "session", json_string(log->session)) < 0))
        goto done;
    if (fields && *fields) {
        char fmt[256];
        snprintf(fmt, sizeof fmt, "{%s}", fields);
        va_list ap;
        va_start(ap, fields);
        extra = json_vpack_ex(NULL, 0, fmt, ap);
        va_end(ap);
        if (!extra || json_object_update(obj, extra) < 0)
            goto done;
    }
    if (discard)
        goto done; /* rc is FC_OK: nothing is written */
    line = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (!line)
        goto done;
    /* jansson escapes; "t" is spliced in front by hand because it prints
     * reals in the shortest form, and the log promises exactly three
     * decimals (whole milliseconds of the sample clock). */
    int64_t ms = (t * 1000 + FC_RATE / 2) / FC_RATE;
    if (fprintf(log->fp, "{\"t\":%lld.%03lld,%s\n", (long long)(ms / 1000),
                (long long)(ms % 1000), line + 1) < 0 ||
        fflush(log->fp) != 0)
        goto done;
    rc = FC_OK;
done:
    free(line);
    json_decref(extra);
    json_decref(obj);
    return rc;
}

eventlog_list *eventlog_list_new(void)
{
    return json_array();
}

int eventlog_list_add(eventlog_list *list, const char *fields, ...)
{
    char fmt[256];
    snprintf(fmt, sizeof fmt, "{%s}", fields);
    va_list ap;
    va_start(ap, fields);
    json_t *obj = json_vpack_ex(NULL, 0, fmt, ap);
    va_end(ap);
    return obj && json_array_append_new(list, obj) == 0 ? FC_OK : FC_ERR_NOMEM;
}

void eventlog_list_free(eventlog_list *list)
{
    json_decref(list);
}

int eventlog_set_session(eventlog_t *log, const char *id)
{
    char *copy = id ? strdup(id) : NULL;
    if (id && !copy)
        return FC_ERR_NOMEM;
    free(log->session);
    log->session = copy;
    return FC_OK;
}
