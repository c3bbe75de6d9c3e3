#include "serve.h"

#include "asr.h"
#include "events.h"
#include "eventlog.h"
#include "setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

serve_config serve_config_default(void)
{
    serve_config c;
    memset(&c, 0, sizeof c);
    c.coach = coach_config_default();
    return c;
}

typedef struct {
    const serve_config *cfg;
    coach_t *coach;
    asr_t *spotter; /* the start phrases */
    int heard;      /* the start heard, or -1 */
} server;

static int spotted(void *ctx, int64_t at, const int16_t *mic, size_t n, fc_error *err)
{
    server *s = ctx;
    asr_heard h[4];
    int got = asr_process(s->spotter, at, mic, n, h, 4);
    if (got < 0)
        return fc_fail(err, got, "the start phrase recogniser failed: %s", fc_strerror(got));
    if (got > 0 && s->heard < 0)
        s->heard = h[0].phrase;
    return FC_OK;
}

static bool idle_over(void *ctx, int64_t now, bool input_ended)
{
    const server *s = ctx;
    (void)now;
    return s->heard >= 0 || input_ended;
}

static int start_spotter(server *s, fc_error *err)
{
    const char *phrases[SERVE_STARTS_MAX];
    for (int i = 0; i < s->cfg->n_starts; i++)
        phrases[i] = s->cfg->starts[i].phrase;
    asr_config acfg = asr_config_default();
    acfg.grammar_dir = s->cfg->coach.grammar_dir;
    acfg.user_conf = s->cfg->coach.calibration;
    fc_error why = {0};
    int rc = asr_create_phrases(&acfg, phrases, s->cfg->n_starts, &s->spotter, &why);
    if (rc < 0)
        return setup_hearing_failed(rc, &why, s->cfg->coach.grammar_dir, err);
    return FC_OK;
}

/* The coach, every routine's lines ready, the spotter, then the devices. */
static int open_server(server *s, fc_error *err)
{
    const serve_config *cfg = s->cfg;
    int rc;
    if (cfg->n_starts <= 0 || cfg->n_starts > SERVE_STARTS_MAX || !cfg->coach.grammar_dir)
        return fc_fail(err, FC_ERR_ARG, "serve needs 1 to %d start phrases and the recogniser",
                       SERVE_STARTS_MAX);
    if ((rc = coach_create(&cfg->coach, &s->coach, err)) < 0)
        return rc;
    for (int i = 0; i < cfg->n_starts; i++)
        if ((rc = coach_prepare(s->coach, cfg->starts[i].routine, cfg->starts[i].prescription,
                                err)) < 0)
            return rc;
    if ((rc = start_spotter(s, err)) < 0 || (rc = coach_start(s->coach, err)) < 0)
        return rc;
    return FC_OK;
}

static int log_idle(server *s, fc_error *err)
{
    eventlog_t *log = coach_log(s->coach);
    int rc = eventlog_write(log, coach_now(s->coach), "idle", NULL);
    return rc < 0 ? eventlog_fail(log, rc, err) : FC_OK;
}

/* The start heard: answer, then the session, then idle again. */
static int serve_one(server *s, int n, fc_error *err)
{
    const serve_start *st = &s->cfg->starts[s->heard];
    char answer[SERVE_ANSWER_MAX], id[EVENTS_SESSION_ID_MAX + 16], base[EVENTS_SESSION_ID_MAX];
    int rc;
    if ((rc = eventlog_write(coach_log(s->coach), coach_now(s->coach), "wake", "s:s,s:s",
                             "phrase", st->phrase, "routine", st->routine->title)) < 0)
        return eventlog_fail(coach_log(s->coach), rc, err);
    snprintf(answer, sizeof answer, "Starting: %s.", st->routine->title);
    if ((rc = coach_say(s->coach, st->answer ? st->answer : answer, err)) < 0)
        return rc;
    snprintf(id, sizeof id, "%s-%d", events_session_id(base, sizeof base), n);
    session_end_reason reason;
    if ((rc = coach_session(s->coach, st->routine, st->prescription, s->cfg->cleared, id,
                            &reason, err)) < 0)
        return rc;
    fprintf(stderr, "floorcoach: session %d (%s) ended: %s\n", n, st->routine->title,
            session_end_reason_name(reason));
    asr_reset(s->spotter);
    s->heard = -1;
    /* A signal ended it: serve ends too, and is not idle. */
    return coach_interrupted(s->coach) ? FC_OK : log_idle(s, err);
}

int serve_run(const serve_config *cfg, int *sessions, fc_error *err)
{
    server s = {cfg, NULL, NULL, -1};
    coach_waiter w = {spotted, idle_over, &s};
    *sessions = 0;
    fc_error_clear(err);
    int rc = open_server(&s, err);
    if (rc == FC_OK)
        rc = log_idle(&s, err);
    if (rc == FC_OK && cfg->ready)
        cfg->ready(cfg->ready_ctx);
    while (rc == FC_OK && !coach_interrupted(s.coach)) {
        if ((rc = coach_wait(s.coach, &w, err)) < 0 || s.heard < 0)
            break;
        rc = serve_one(&s, ++*sessions, err);
    }
    asr_destroy(s.spotter);
    coach_destroy(s.coach);
    return rc;
}
