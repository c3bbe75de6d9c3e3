/* notify: systemd's service notifications (sd_notify), for a unit of
 * Type=notify with a watchdog. Outside systemd (no $NOTIFY_SOCKET) they
 * cost nothing. Engine thread. */
#ifndef FLOORCOACH_NOTIFY_H
#define FLOORCOACH_NOTIFY_H

/* serve_config.ready: READY=1. ctx unused. */
void notify_ready(void *ctx);
/* coach_config.alive: WATCHDOG=1. ctx unused. */
void notify_alive(void *ctx);
/* STOPPING=1, as serve ends. */
void notify_stopping(void);

#endif
