#include "eventlog.h"

#include "fc_clock.h"
#include "fc_error.h"
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Health data: only its owner may read it. */
#define LOG_MODE 0600

/* Each line goes out in one write() on a plain descriptor, so a crash
 * leaves whole lines; a write that fails half-way (a full disk) is cut
 * back off the file, so the log never ends inside a line. */
struct eventlog {
    int fd; /* -1: discards everything */
    int owns_fd;
    char *path;
    int last_errno; /* of the last failed write */
    char *session; /* eventlog_set_session, or NULL */
    history_t *history; /* eventlog_set_history, or NULL */
    bool history_lost;  /* a write failed: nothing more until the next start */
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
    log->fd = -1;
    if (path && !(log->path = strdup(path))) {
        free(log);
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening the event log");
    }
    if (path && !strcmp(path, "-")) {
        log->fd = STDOUT_FILENO;
    } else if (path && !append && holds_a_record(path)) {
        eventlog_close(log);
        return fc_fail(err, FC_ERR_IO, "%s already holds a record (an earlier session's "
                       "log); give a new file, remove that one, or add this session to it "
                       "with --append", path);
    } else if (path) {
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
        if ((log->fd = open(path, flags, LOG_MODE)) < 0) {
            int e = errno;
            eventlog_close(log);
            return fc_fail(err, FC_ERR_IO, "%s: cannot write the event log (%s); check the "
                           "folder exists and is writable", path, strerror(e));
        }
        log->owns_fd = 1;
    }
    *out = log;
    return FC_OK;
}

void eventlog_close(eventlog_t *log)
{
    if (!log)
        return;
    if (log->owns_fd)
        close(log->fd);
    free(log->path);
    free(log->session);
    free(log);
}

/* Writes all of buf, or returns -1 with errno set. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One whole line, or nothing: a part written before a failure is cut off
 * again (on a regular file; a pipe cannot take it back). */
static int write_line(eventlog_t *log, int64_t ms, const char *rest)
{
    int n = snprintf(NULL, 0, "{\"t\":%lld.%03lld,%s\n", (long long)(ms / 1000),
                     (long long)(ms % 1000), rest);
    char *buf = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (!buf)
        return FC_ERR_NOMEM;
    snprintf(buf, (size_t)n + 1, "{\"t\":%lld.%03lld,%s\n", (long long)(ms / 1000),
             (long long)(ms % 1000), rest);
    if (log->fd == STDOUT_FILENO)
        fflush(stdout); /* whatever the program printed comes first */
    struct stat st;
    off_t before = fstat(log->fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
    int rc = FC_OK;
    if (write_all(log->fd, buf, (size_t)n) < 0) {
        log->last_errno = errno;
        if (before >= 0 && ftruncate(log->fd, before) == 0)
            lseek(log->fd, before, SEEK_SET);
        rc = FC_ERR_IO;
    }
    free(buf);
    return rc;
}

int eventlog_fail(const eventlog_t *log, int rc, fc_error *err)
{
    if (rc == FC_ERR_NOMEM)
        return fc_fail(err, rc, "out of memory writing the event log");
    const char *why = log && log->last_errno ? strerror(log->last_errno) : "write failed";
    return fc_fail(err, FC_ERR_IO, "%s: cannot write the event log: %s%s",
                   log && log->path ? log->path : "event log", why,
                   log && log->last_errno == ENOSPC ? "; free some space" : "");
}

/* The history keeps a copy of each event; when it fails (a full disk, a
 * read-only or locked file) the session goes on (safety first): the user
 * is told once, the log says so, and the history rests until the next
 * session starts. */
static void tee_history(eventlog_t *log, int64_t ms, const char *event, const char *line)
{
    fc_error err = {0};
    if (!log->history || (log->history_lost && strcmp(event, "start") != 0))
        return;
    log->history_lost = false;
    if (history_record(log->history, ms, event, line, &err) == FC_OK)
        return;
    log->history_lost = true;
    eventlog_history_lost(log, ms * FC_RATE / 1000, fc_error_message(&err));
}

void eventlog_history_lost(eventlog_t *log, int64_t t, const char *detail)
{
    fprintf(stderr, "floorcoach: %s; the session goes on without the history%s\n", detail,
            log->fd >= 0 ? " (the event log keeps it)" : "");
    history_t *h = log->history;
    log->history = NULL; /* the event below is for the log only */
    eventlog_write(log, t, "history", "s:s, s:s", "state", "lost", "detail", detail);
    log->history = h;
}

void eventlog_set_history(eventlog_t *log, history_t *history)
{
    log->history = history;
    log->history_lost = false;
}

int eventlog_write(eventlog_t *log, int64_t t, const char *event, const char *fields, ...)
{
    int rc = FC_ERR_IO;
    json_t *obj = NULL, *extra = NULL;
    char *line = NULL;
    /* Packed even for a log that discards, so that a field passed with
     * "s:o" (which the object takes over) is always freed. */
    bool discard = !log || (log->fd < 0 && !log->history);
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
    tee_history(log, ms, event, line);
    rc = log->fd < 0 ? FC_OK : write_line(log, ms, line + 1);
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
