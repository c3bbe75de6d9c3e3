/* serve_conf: serve's settings file, floorcoach.conf.
 *
 * `key = value` lines, `#` comments, as asr.conf. Keys: routine (the one
 * "start my exercises" starts), prescription, voice, volume (1-200),
 * input, output (device names, as `floorcoach devices` lists them: a name
 * survives a reboot, an index may not), events (the JSON Lines record),
 * input_channel (mix, or 1-8: the channel of a mic-array HAT to listen to),
 * calibration, cleared (yes/no), and `phrase = WORDS => ROUTINE`, once per
 * start phrase. The system's file is read first, then the user's over it
 * (a key set again replaces the value; the first phrase line of a file
 * replaces the phrases before it). Unknown keys are errors, named by
 * file:line. Any thread. */
#ifndef FLOORCOACH_SERVE_CONF_H
#define FLOORCOACH_SERVE_CONF_H

#include "audio.h"
#include "fc_error.h"
#include "serve.h"
#include "voice.h"

#include <stdbool.h>

#define SERVE_CONF_VALUE_MAX 512
#define SERVE_CONF_SYSTEM "/etc/floorcoach/floorcoach.conf"
/* What starts `routine` when no phrase is set. */
#define SERVE_CONF_DEFAULT_PHRASE "start my exercises"

typedef struct {
    char phrase[SERVE_CONF_VALUE_MAX], routine[SERVE_CONF_VALUE_MAX];
} serve_conf_start;

typedef struct {
    char routine[SERVE_CONF_VALUE_MAX], prescription[SERVE_CONF_VALUE_MAX];
    char voice[SERVE_CONF_VALUE_MAX], input[SERVE_CONF_VALUE_MAX];
    char output[SERVE_CONF_VALUE_MAX], events[SERVE_CONF_VALUE_MAX];
    char calibration[SERVE_CONF_VALUE_MAX];
    int volume;   /* -1: the voice profile's own */
    int input_channel; /* audio_endpoint.channel: 0 mixes them */
    bool cleared;
    serve_conf_start starts[SERVE_STARTS_MAX];
    int n_starts; /* 0: "start my exercises" starts routine */
} serve_conf;

/* The defaults: the fai routine, started by "start my exercises". */
serve_conf serve_conf_default(void);

/* Reads path over *c. A missing file is not an error when optional
 * (returns 0 and leaves *c). Returns 0, FC_ERR_IO or FC_ERR_FORMAT with
 * "path:line: what is wrong" in err. */
int serve_conf_read(serve_conf *c, const char *path, bool optional, fc_error *err);

/* Sets one key, as a line of the file would: `where` names the line (or
 * the option) in messages; *first_phrase is true until the first phrase
 * from this source replaces those from the sources before. Returns 0 or
 * FC_ERR_FORMAT with "where: what is wrong" in err. */
int serve_conf_set(serve_conf *c, const char *key, const char *value, bool *first_phrase,
                   const char *where, fc_error *err);

/* The user's file: $XDG_CONFIG_HOME/floorcoach/floorcoach.conf, or under
 * ~/.config. Returns 0, or FC_ERR_ARG when no home is known. */
int serve_conf_user_path(char *dst, size_t cap);

#endif
