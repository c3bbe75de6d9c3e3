#include "say.h"

#include "routine.h"
#include "runner.h"
#include "tts.h"

#include <string.h>

int app_say(const voice_profile *voice, const audio_config *audio, const char *text,
            fc_error *err)
{
    tts_t *tts = NULL;
    audio_t *out = NULL;
    tts_clip clip;
    int rc;
    fc_error_clear(err);
    size_t len = strlen(text);
    if (len > ROUTINE_TEXT_MAX)
        return fc_fail(err, FC_ERR_ARG, "the text is %zu characters long; say at most %d at "
                       "a time", len, ROUTINE_TEXT_MAX);
    if ((rc = tts_create(voice, &tts, err)) < 0)
        goto done;
    if ((rc = tts_get(tts, text, TTS_STYLE_NARRATION, 0, &clip)) < 0) {
        fc_fail(err, rc, "could not synthesize: %s", fc_strerror(rc));
        goto done;
    }
    if ((rc = audio_open(audio, &out, err)) < 0)
        goto done;
    rc = runner_play(out, clip.pcm, clip.n, err);
done:
    audio_close(out);
    tts_destroy(tts);
    return rc;
}
