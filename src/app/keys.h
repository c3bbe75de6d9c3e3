/* keys: the voice commands as single keys (n, r, p, s), and a pain rating
 * as a digit (1-9, 0 for 10), for a session without a microphone. Engine
 * thread only. */
#ifndef FLOORCOACH_KEYS_H
#define FLOORCOACH_KEYS_H

#include "command.h"

typedef struct keys keys_t;

/* Reads keys from fd. A terminal is put in non-canonical, no-echo mode
 * (restored by destroy), so one key press is one command. Returns 0 or a
 * negative fc_err. */
int keys_create(int fd, keys_t **out);
/* Accepts NULL. Restores the terminal. */
void keys_destroy(keys_t *k);
/* Never blocks. Returns 1 and a command when a command key was pressed (and
 * *digit 0), or a digit (*digit 1-10, *cmd FC_CMD_NONE); 0 when none is
 * waiting, -1 at end of input. */
int keys_poll(keys_t *k, fc_command *cmd, int *digit);

#endif
