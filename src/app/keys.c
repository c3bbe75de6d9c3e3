#include "keys.h"

#include "fc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

struct keys {
    int fd;
    int restore;
    struct termios saved;
    int eof;
};

int keys_create(int fd, keys_t **out)
{
    keys_t *k = calloc(1, sizeof *k);
    *out = NULL;
    if (!k)
        return FC_ERR_NOMEM;
    k->fd = fd;
    if (isatty(fd) && tcgetattr(fd, &k->saved) == 0) {
        struct termios raw = k->saved;
        /* ISIG stays on so Ctrl-C still interrupts the session. */
        raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(fd, TCSANOW, &raw) == 0)
            k->restore = 1;
    }
    *out = k;
    return FC_OK;
}

void keys_destroy(keys_t *k)
{
    if (!k)
        return;
    if (k->restore)
        tcsetattr(k->fd, TCSANOW, &k->saved);
    free(k);
}

/* The digit key that stands for ten. */
#define KEY_TEN '0'
#define RATING_TEN 10

int keys_poll(keys_t *k, fc_command *cmd, int *digit)
{
    *digit = 0;
    while (!k->eof) {
        struct pollfd pfd = {k->fd, POLLIN, 0};
        if (poll(&pfd, 1, 0) <= 0)
            return 0;
        char c;
        ssize_t n = read(k->fd, &c, 1);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
            k->eof = 1;
            break;
        }
        if (n < 0)
            return 0;
        switch (c) {
        case 'n': case 'N': *cmd = FC_CMD_NEXT; return 1;
        case 'r': case 'R': *cmd = FC_CMD_REPEAT; return 1;
        case 'p': case 'P': *cmd = FC_CMD_PAIN; return 1;
        case 's': case 'S': *cmd = FC_CMD_STOP; return 1;
        case KEY_TEN: *cmd = FC_CMD_NONE; *digit = RATING_TEN; return 1;
        case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
        case '9': *cmd = FC_CMD_NONE; *digit = c - '0'; return 1;
        default: break; /* anything else, including newlines, is ignored */
        }
    }
    return -1;
}
