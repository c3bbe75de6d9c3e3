#include "priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int fc_priority_raise(void)
{
    /* On Linux PRIO_PROCESS with a thread id sets that thread alone. */
    id_t tid = (id_t)syscall(SYS_gettid);
    if (getpriority(PRIO_PROCESS, tid) <= FC_PRIORITY_NICE)
        return 0;
    return setpriority(PRIO_PROCESS, tid, FC_PRIORITY_NICE);
}
