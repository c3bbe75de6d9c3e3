#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 20

struct status {
    FILE *fp;
    char last[256];
};

status_t *status_create(FILE *fp)
{
    if (!isatty(fileno(fp)))
        return NULL;
    status_t *st = calloc(1, sizeof *st);
    if (st)
        st->fp = fp;
    return st;
}

void status_destroy(status_t *st)
{
    if (!st)
        return;
    if (st->last[0])
        fputc('\n', st->fp);
    free(st);
}

void status_format(const session_progress *p, int64_t now, int sample_rate, char *buf,
                   size_t len)
{
    int off = snprintf(buf, len, "%s", p->name ? p->name : "Introduction");
    if (p->side && off >= 0 && (size_t)off < len)
        off += snprintf(buf + off, len - (size_t)off, " | %s", p->side);
    if (p->of > 0 && off >= 0 && (size_t)off < len)
        off += snprintf(buf + off, len - (size_t)off, " | rep %d/%d", p->rep, p->of);
    if (p->hold_seconds > 0 && off >= 0 && (size_t)off < len) {
        int64_t held = (now - p->hold_start) / sample_rate;
        if (held < 0)
            held = 0;
        if (held > p->hold_seconds)
            held = p->hold_seconds;
        char bar[BAR_WIDTH + 1];
        int fill = (int)(held * BAR_WIDTH / p->hold_seconds);
        for (int i = 0; i < BAR_WIDTH; i++)
            bar[i] = i < fill ? '#' : '-';
        bar[BAR_WIDTH] = '\0';
        snprintf(buf + off, len - (size_t)off, " | [%s] %2ds left", bar,
                 (int)(p->hold_seconds - held));
    }
}

void status_update(status_t *st, const session_progress *p, int64_t now, int sample_rate)
{
    if (!st)
        return;
    char line[256];
    status_format(p, now, sample_rate, line, sizeof line);
    if (!strcmp(line, st->last))
        return;
    fprintf(st->fp, "\r\033[K%s", line);
    fflush(st->fp);
    snprintf(st->last, sizeof st->last, "%s", line);
}
