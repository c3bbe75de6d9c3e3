#include "command.h"

#include <string.h>

static const char *const names[FC_CMD_COUNT] = {"none", "next", "repeat", "pain", "stop"};

const char *fc_command_name(fc_command c)
{
    return (int)c > 0 && (int)c < FC_CMD_COUNT ? names[c] : names[FC_CMD_NONE];
}

fc_command fc_command_from_name(const char *name)
{
    for (int i = 1; name != NULL && i < FC_CMD_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return (fc_command)i;
    return FC_CMD_NONE;
}
