#include "notify.h"

#include <systemd/sd-daemon.h>

void notify_ready(void *ctx)
{
    (void)ctx;
    sd_notify(0, "READY=1\nSTATUS=Idle, listening for a start phrase");
}

void notify_alive(void *ctx)
{
    (void)ctx;
    sd_notify(0, "WATCHDOG=1");
}

void notify_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}
