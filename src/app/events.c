#include "events.h"

#include "fc_clock.h"

#include <math.h>

/* The heard score keeps three decimals, like the times. */
#define SCORE_SCALE 1000.0

int events_start_session(eventlog_t *log, const routine_t *routine, const char *calibration)
{
    return eventlog_write(log, 0, "start", "s:s, s:s, s:s?", "routine", routine->title, "file",
                          routine->path, "calibration", calibration);
}

int events_exercise(eventlog_t *log, int64_t at, const char *name, const char *side, int index)
{
    return eventlog_write(log, at, "exercise", "s:s, s:s?, s:i", "name", name, "side", side,
                          "index", index);
}

int events_say(eventlog_t *log, int64_t at, const char *text, int64_t until)
{
    return eventlog_write(log, at, "say", "s:s, s:f", "text", text, "until", fc_seconds(until));
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

int events_pain(eventlog_t *log, int64_t at, const char *exercise, const char *side, int rep,
                int second)
{
    return eventlog_write(log, at, "pain", "s:s?, s:s?, s:i, s:i", "exercise", exercise, "side",
                          side, "rep", rep, "second", second);
}

int events_heard(eventlog_t *log, const asr_heard *h)
{
    return eventlog_write(log, h->t, h->unsure ? "unsure" : "heard", "s:s, s:f, s:f, s:f", "word",
                          fc_command_name(h->word), "start", fc_seconds(h->start), "end",
                          fc_seconds(h->end), "score", round(h->score * SCORE_SCALE) / SCORE_SCALE);
}

int events_pause(eventlog_t *log, int64_t at, const char *word)
{
    return eventlog_write(log, at, "pause", "s:s", "word", word);
}

int events_end(eventlog_t *log, int64_t at, const char *reason, const char *detail)
{
    if (detail == NULL)
        return eventlog_write(log, at, "end", "s:s", "reason", reason);
    return eventlog_write(log, at, "end", "s:s, s:s", "reason", reason, "detail", detail);
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
