#define _POSIX_C_SOURCE 200809L /* localtime_r */

#include "events.h"

#include "digest.h"
#include "fc_clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The heard score keeps three decimals, like the times. */
#define SCORE_SCALE 1000.0

/* Now, or $SOURCE_DATE_EPOCH, as local time with its offset:
 * 2026-12-01T15:04:06+01:00. */
int64_t events_now(void)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    return epoch && *epoch ? (int64_t)strtoll(epoch, NULL, 10) : (int64_t)time(NULL);
}

static void wall_clock(char *buf, size_t cap)
{
    time_t now = (time_t)events_now();
    struct tm tm;
    char zone[8] = "+0000";
    localtime_r(&now, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z", &tm);
    snprintf(buf + n, cap - n, "%.3s:%.2s", zone, zone + 3);
}

const char *events_session_id(char *buf, size_t cap)
{
    char date[40], compact[40];
    size_t n = 0;
    wall_clock(date, sizeof date);
    for (const char *p = date; *p && *p != '+' && n + 1 < sizeof compact; p++)
        if (*p != '-' && *p != ':')
            compact[n++] = *p;
    compact[n] = '\0';
    snprintf(buf, cap, "%s-%ld", compact, (long)getpid());
    return buf;
}

/* The doses the session runs, one object per exercise that runs. */
static eventlog_list *doses(const routine_t *r, const prescription_t *rx)
{
    eventlog_list *list = eventlog_list_new();
    int rc = list ? FC_OK : FC_ERR_NOMEM;
    for (size_t e = 0; rc == FC_OK && e < r->n_exercises; e++) {
        const routine_dose *d = &rx->doses[e];
        if (!d->run)
            continue;
        int sides = r->exercises[e].both_sides ? 2 : 1;
        if (r->exercises[e].kind == ROUTINE_HOLD)
            rc = eventlog_list_add(list, "s:s, s:i, s:i, s:i, s:b", "exercise",
                                   r->exercises[e].name, "hold_seconds", d->hold_seconds,
                                   "repetitions", d->repetitions, "sides", sides,
                                   "progression", d->progression);
        else
            rc = eventlog_list_add(list, "s:s, s:i, s:i, s:b", "exercise", r->exercises[e].name,
                                   "repetitions", d->repetitions, "sides", sides,
                                   "progression", d->progression);
    }
    if (rc < 0) {
        eventlog_list_free(list);
        return NULL;
    }
    return list;
}

int events_start_session(eventlog_t *log, const events_session *s)
{
    char date[40], routine_sha[FC_SHA256_HEX], rx_sha[FC_SHA256_HEX];
    const prescription_t *rx = s->prescription;
    eventlog_list *d = doses(s->routine, rx);
    if (!d)
        return FC_ERR_NOMEM;
    wall_clock(date, sizeof date);
    fc_sha256_file(s->routine->path, routine_sha);
    if (!rx->path || fc_sha256_file(rx->path, rx_sha) < 0)
        rx_sha[0] = '\0';
    return eventlog_write(log, s->at, "start",
                          "s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o, s:s, s:s?, s:s",
                          "date", date, "version", FC_VERSION, "routine", s->routine->title,
                          "file", s->routine->path, "sha256", routine_sha, "prescription",
                          rx->path, "prescription_sha256", rx_sha[0] ? rx_sha : NULL,
                          "frequency", rx->frequency, "doses", d, "voice", s->voice,
                          "calibration", s->calibration, "clearance", s->clearance);
}

int events_exercise(eventlog_t *log, int64_t at, const char *name, const char *side, int index)
{
    return eventlog_write(log, at, "exercise", "s:s, s:s?, s:i", "name", name, "side", side,
                          "index", index);
}

int events_say(eventlog_t *log, int64_t at, const char *text, int64_t until, bool position)
{
    if (position)
        return eventlog_write(log, at, "say", "s:s, s:f, s:b", "text", text, "until",
                              fc_seconds(until), "position", 1);
    return eventlog_write(log, at, "say", "s:s, s:f", "text", text, "until", fc_seconds(until));
}

int events_cut(eventlog_t *log, int64_t at)
{
    return eventlog_write(log, at, "cut", "");
}

int events_hold(eventlog_t *log, int64_t at, int seconds, int rep, int of)
{
    return eventlog_write(log, at, "hold", "s:i, s:i, s:i", "seconds", seconds, "rep", rep, "of",
                          of);
}

int events_count(eventlog_t *log, int64_t at, int n)
{
    return eventlog_write(log, at, "count", "s:i", "n", n);
}

int events_rep(eventlog_t *log, int64_t at, int n, int of)
{
    return eventlog_write(log, at, "rep", "s:i, s:i", "n", n, "of", of);
}

int events_wait(eventlog_t *log, int64_t at, const char *what)
{
    return eventlog_write(log, at, "wait", "s:s", "for", what);
}

int events_waited(eventlog_t *log, int64_t at, const char *how)
{
    return eventlog_write(log, at, "waited", "s:s", "by", how);
}

static const char *source_name(session_source by)
{
    return by == SESSION_SOURCE_KEY ? "key" : "voice";
}

int events_clearance(eventlog_t *log, int64_t at, session_source by)
{
    return eventlog_write(log, at, "clearance", "s:s", "by", source_name(by));
}

int events_key(eventlog_t *log, int64_t at, fc_command word)
{
    return eventlog_write(log, at, "heard", "s:s, s:s", "word", fc_command_name(word), "source",
                          "key");
}

int events_pain(eventlog_t *log, int64_t at, const char *exercise, const char *side, int rep,
                int second)
{
    return eventlog_write(log, at, "pain", "s:s?, s:s?, s:i, s:i", "exercise", exercise, "side",
                          side, "rep", rep, "second", second);
}

int events_heard_at(eventlog_t *log, int64_t at, const asr_heard *h)
{
    return eventlog_write(log, at > h->t ? at : h->t, h->unsure ? "unsure" : "heard",
                          "s:s, s:s, s:f, s:f, s:f, s:f", "word", fc_command_name(h->word),
                          "source", "voice", "decided", fc_seconds(h->t), "start",
                          fc_seconds(h->start), "end", fc_seconds(h->end), "score",
                          round(h->score * SCORE_SCALE) / SCORE_SCALE);
}

int events_heard(eventlog_t *log, const asr_heard *h)
{
    return events_heard_at(log, h->t, h);
}

int events_xruns(eventlog_t *log, int64_t at, const audio_xruns *x)
{
    /* "I" takes jansson's json_int_t, which is long long (JSON_INTEGER_IS_LONG_LONG). */
    return eventlog_write(log, at, "xrun", "s:I,s:I,s:I,s:I", "underruns",
                          (long long)x->underruns, "overflows", (long long)x->overflows,
                          "driver_messages", (long long)x->driver_messages, "gap_ms",
                          (long long)x->gap_ms);
}

int events_device(eventlog_t *log, int64_t at, const char *device, const char *state,
                  const char *detail)
{
    if (detail == NULL)
        return eventlog_write(log, at, "device", "s:s,s:s", "device", device, "state", state);
    return eventlog_write(log, at, "device", "s:s,s:s,s:s", "device", device, "state", state,
                          "detail", detail);
}

int events_pause(eventlog_t *log, int64_t at, const char *word)
{
    return eventlog_write(log, at, "pause", "s:s", "word", word);
}

int events_progression(eventlog_t *log, int64_t at, const events_dose_decision *d)
{
    return eventlog_write(log, at, "progression", "s:s, s:s, s:i, s:i, s:i, s:i, s:s",
                          "exercise", d->exercise, "quantity", d->quantity, "dose", d->dose,
                          "last", d->last, "min", d->min, "max", d->max, "reason", d->reason);
}

int events_end(eventlog_t *log, int64_t at, const char *reason, const char *detail)
{
    char date[40];
    wall_clock(date, sizeof date);
    if (detail == NULL)
        return eventlog_write(log, at, "end", "s:s, s:s", "date", date, "reason", reason);
    return eventlog_write(log, at, "end", "s:s, s:s, s:s", "date", date, "reason", reason,
                          "detail", detail);
}

int events_start_calibration(eventlog_t *log, const char *voice, int takes)
{
    return eventlog_write(log, 0, "start", "s:s, s:s, s:i", "what", "calibration", "voice", voice,
                          "takes", takes);
}

int events_prompt(eventlog_t *log, int64_t at, const char *text)
{
    return eventlog_write(log, at, "say", "s:s", "text", text);
}

int events_recorded(eventlog_t *log, int64_t at, const char *word, bool command, int64_t start,
                    int64_t end)
{
    return eventlog_write(log, at, "recorded", "s:s, s:b, s:f, s:f", "word", word, "command",
                          command, "start", fc_seconds(start), "end", fc_seconds(end));
}

int events_calibrated(eventlog_t *log, int64_t at, const calib_result *r, const char *saved)
{
    const calib_score *b = &r->before, *a = &r->after;
    return eventlog_write(
        log, at, "calibrated",
        "s:{s:f, s:f, s:f, s:f}, s:{s:i, s:i, s:i, s:i, s:i}, s:{s:i, s:i, s:i, s:i, s:i}, "
        "s:i, s:s?",
        "bias", "stop", r->bias[FC_CMD_STOP], "pain", r->bias[FC_CMD_PAIN], "next",
        r->bias[FC_CMD_NEXT], "repeat", r->bias[FC_CMD_REPEAT], "before", "commands", b->commands,
        "heard", b->heard, "wrong", b->wrong, "others", b->others, "taken", b->taken, "after",
        "commands", a->commands, "heard", a->heard, "wrong", a->wrong, "others", a->others,
        "taken", a->taken, "silent", r->silent, "saved", saved);
}
