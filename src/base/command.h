/* command: the four words the coach obeys, one list for the recogniser,
 * the keys and the session engine. */
#ifndef FLOORCOACH_COMMAND_H
#define FLOORCOACH_COMMAND_H

typedef enum {
    FC_CMD_NONE = 0, /* not a command: anything else heard */
    FC_CMD_NEXT,
    FC_CMD_REPEAT,
    FC_CMD_PAIN,
    FC_CMD_STOP,
} fc_command;

#define FC_CMD_COUNT 5 /* including FC_CMD_NONE */

/* Any thread. "next", "repeat", "pain", "stop"; "none" for anything else. */
const char *fc_command_name(fc_command c);

/* Any thread. The command named (lower case), or FC_CMD_NONE. Accepts NULL. */
fc_command fc_command_from_name(const char *name);

#endif
