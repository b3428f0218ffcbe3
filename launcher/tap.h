/* Open an existing or new tap interface for the guest; the launcher passes
 * the fd so the guest process needs neither /dev/net/tun nor CAP_NET_ADMIN. */
#ifndef CVM_TAP_H
#define CVM_TAP_H

#include "cvm_err.h"

int cvm_tap_open(const char *ifname, int *fd, cvm_err *err);

#endif
