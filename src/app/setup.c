#include "setup.h"

#include "asr.h"
#include "datapath.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The .yaml names in the data folder's subdir, "a, b and c", into buf;
 * or why there are none, naming FLOORCOACH_DATA when it set the folder. */
static const char *names_in(const char *subdir, char *buf, size_t cap)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", datapath_dir(), subdir);
    DIR *d = opendir(dir);
    const char *env = getenv("FLOORCOACH_DATA");
    /* A list cut short by cap is still worth reading. */
    if (!d) {
        if (snprintf(buf, cap, "there is no folder %s%s", dir, env && *env ?
                     " (FLOORCOACH_DATA points there: unset it, or point it at the folder "
                     "that holds scripts, voices and grammars)" : "; reinstall floorcoach") < 0)
            buf[0] = '\0';
        return buf;
    }
    int head = snprintf(buf, cap, "%s has:", dir);
    size_t used = head < 0 ? cap : (size_t)head;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) && used < cap) {
        size_t len = strlen(e->d_name);
        int w = len > 5 && !strcmp(e->d_name + len - 5, ".yaml")
                    ? snprintf(buf + used, cap - used, "%s %.*s", n++ ? "," : "",
                               (int)(len - 5), e->d_name) : 0;
        used = w < 0 ? cap : used + (size_t)w;
    }
    closedir(d);
    if (n == 0 && used < cap)
        snprintf(buf + used, cap - used, " nothing");
    return buf;
}

int setup_routine(const char *name, routine_t **out, routine_report *report, fc_error *err)
{
    char path[PATH_MAX], names[FC_ERROR_DETAIL_MAX / 2];
    *out = NULL;
    if (datapath_find("scripts", name, path, sizeof path) < 0)
        return fc_fail(err, FC_ERR_IO, "%s: no such routine; give a file, or a routine's "
                       "name: %s", name, names_in("scripts", names, sizeof names));
    int rc = routine_load(path, out, report, err);
    if (rc < 0)
        fc_fail(err, rc, "%s is not a valid routine; 'floorcoach check %s' lists every problem",
                path, path);
    return rc;
}

int setup_voice(const char *name, voice_profile *out, fc_error *err)
{
    char path[PATH_MAX], names[FC_ERROR_DETAIL_MAX / 2];
    if (!name)
        name = "default";
    if (datapath_find("voices", name, path, sizeof path) < 0)
        return fc_fail(err, FC_ERR_IO, "no voice profile '%s': give a file, or a voice's name: "
                       "%s", name, names_in("voices", names, sizeof names));
    return voice_load(path, out, err);
}

void setup_grammar_dir(char *dst, size_t cap)
{
    snprintf(dst, cap, "%s/grammars", datapath_dir());
}

hearing_config setup_hearing(const char *grammar_dir, const char *calibration)
{
    hearing_config c = hearing_config_default();
    c.asr.grammar_dir = grammar_dir;
    c.asr.user_conf = calibration;
    return c;
}

int setup_hearing_failed(int rc, const fc_error *why, const char *grammar_dir, fc_error *err)
{
    return fc_fail(err, rc, "the recogniser could not start: %s (the grammar and the keyword "
                   "models are read from %s: 'make deps' installs the models; the acoustic "
                   "model is the pocketsphinx-en-us package)", fc_error_message(why),
                   grammar_dir);
}

int setup_calibration_path(char *dst, size_t cap)
{
    const char *env = getenv("FLOORCOACH_CALIBRATION"), *xdg = getenv("XDG_CONFIG_HOME"),
               *home = getenv("HOME");
    int n;
    if (env && *env)
        n = snprintf(dst, cap, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(dst, cap, "%s/floorcoach/calibration.conf", xdg);
    else if (home && *home)
        n = snprintf(dst, cap, "%s/.config/floorcoach/calibration.conf", home);
    else
        return FC_ERR_ARG;
    return n < 0 || (size_t)n >= cap ? FC_ERR_ARG : FC_OK;
}

int setup_calibration(const char *given, bool use_saved, char *buf, size_t cap,
                      const char **out, fc_error *err)
{
    fc_error why = {0};
    *out = NULL;
    if (given != NULL)
        snprintf(buf, cap, "%s", given);
    else if (!use_saved || setup_calibration_path(buf, cap) < 0 || access(buf, F_OK) != 0)
        return FC_OK;
    int rc = asr_conf_check(buf, &why);
    if (rc < 0)
        return fc_fail(err, rc, "calibration %s; run 'floorcoach calibrate' again, or delete "
                       "the file to use the defaults", fc_error_message(&why));
    *out = buf;
    return FC_OK;
}
