#include "tap.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int cvm_tap_open(const char *ifname, int *fd, cvm_err *err)
{
	struct ifreq ifr;
	int t = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (t < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "network.tap: /dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(t, TUNSETIFF, &ifr) < 0) {
		cvm_err_sys(err, CVM_EXIT_BADINPUT, "network.tap: %s", ifname);
		close(t);
		return -1;
	}
	*fd = t;
	return 0;
}
