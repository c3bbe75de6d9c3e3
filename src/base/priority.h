/* priority: a thread asks to be scheduled ahead of the rest of the machine
 * (a Raspberry Pi running other things), where it is allowed to: the
 * listener must keep up with the microphone and the engine with the
 * speaker, or the coach counts on while it cannot hear. */
#ifndef FLOORCOACH_PRIORITY_H
#define FLOORCOACH_PRIORITY_H

/* The niceness the audio-facing threads ask for: ahead of ordinary work,
 * behind the sound server (PulseAudio and PipeWire run at -11). */
#define FC_PRIORITY_NICE (-5)

/* The calling thread. Lowers its niceness to FC_PRIORITY_NICE when
 * RLIMIT_NICE or CAP_SYS_NICE permits (the systemd unit grants it), and
 * otherwise leaves it as it is. Returns 0 if raised, -1 if not. */
int fc_priority_raise(void);

#endif
