/* cli: what the commands' files share (main.c and the *_cmd.c files): exit codes,
 * signals, and loading a user's routine and prescription with their
 * problems printed. Main thread. */
#ifndef FLOORCOACH_CLI_H
#define FLOORCOACH_CLI_H

#include "fc_error.h"
#include "history.h"
#include "prescription.h"
#include "room.h"
#include "routine.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#define EXIT_PROBLEMS 1 /* check found problems */
#define EXIT_BAD_INPUT 2
#define EXIT_INTERRUPTED 130

/* Set by SIGINT, SIGTERM and SIGHUP once catch_signals() ran. */
extern volatile sig_atomic_t interrupted;
void catch_signals(void);

/* Prints "who: detail" on stderr; returns EXIT_BAD_INPUT. */
int fail(const char *who, const fc_error *err);
/* A routine by name or file; NULL after printing every problem. */
routine_t *load_routine(const char *name);
/* path's prescription for r (NULL path: r's own doses); NULL after saying why. */
prescription_t *load_prescription(const char *path, const routine_t *r);
/* --echo (c 'E') or --noise (c 'N') into room; 0, or EXIT_BAD_INPUT after saying why. */
int parse_room(int c, const char *arg, room_config *room);

/* --channel N|mix of command cmd; 0, or EXIT_BAD_INPUT after saying why. */
int parse_channel(const char *cmd, const char *arg, int *channel);
/* A file a command was given, by its option (e.g. "--out"). */
typedef struct {
    const char *option;
    const char *path; /* NULL: not given */
} named_file;
/* 0 when no two of files are the same file ("-" aside), else
 * EXIT_BAD_INPUT after saying which two: a log written into the WAV it
 * sits beside, or a recording over its own microphone, destroys both. */
int distinct_files(const char *cmd, const named_file *files, size_t n);
/* getopt_long for cmd's long options (and -h), except that an option's
 * value that is itself an option ("--out --events f") is refused, saying
 * so, as '?': taking "--events" as a file name would mislead. */
struct option;
int cli_getopt(const char *cmd, int argc, char **argv, const struct option *opts);
/* 1 when any argument is --help or -h. */
int is_help(int argc, char **argv);
/* Prints a loader's problems, one per line, and clears the report. */
void print_report(FILE *fp, routine_report *report);

/* The history a session writes (history_cmd.c): --history FILE (given;
 * its folder must exist), else none when off (--no-history), else the
 * user's default file, whose folder is made when missing (*make_folder).
 * buf holds that default. 0, or EXIT_BAD_INPUT after saying why. */
int choose_history(const char *cmd, const char *given, bool off, char *buf, size_t cap,
                   const char **path, bool *make_folder);
/* --since YYYY-MM-DD: local midnight of that day, as unix seconds; 0, or
 * EXIT_BAD_INPUT after saying why. */
int parse_since(const char *cmd, const char *arg, int64_t *out);
/* Opens --history (given), else the user's history; 0, or EXIT_BAD_INPUT
 * after saying why. */
int open_history_to_read(const char *cmd, const char *given, history_mode mode, history_t **h);

/* The commands (run_cmd.c, tools_cmd.c, serve_cmd.c, history_cmd.c, report_cmd.c). */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_say(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
