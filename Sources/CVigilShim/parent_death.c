#include <sys/prctl.h>
#include <signal.h>
#include "CVigilShim.h"

// prctl is variadic, which Swift cannot call.
int vigil_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0);
}
