/* Steps 5 and 6 of the sandbox child: become the tenant's uid/gid, then give
 * up every capability for good. Step 5 keeps the permitted set across the uid
 * change (SECBIT_KEEP_CAPS) only so step 6 still holds CAP_SETPCAP to empty
 * the bounding set and lock the securebits; step 6 ends with every set empty
 * and reads each one back. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox_int.h"

#define ERR(...) (snprintf(why, len, __VA_ARGS__), -1)

static int capget_raw(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};

	return (int)syscall(SYS_capget, &hdr, data);
}

static int capset_raw(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};

	return (int)syscall(SYS_capset, &hdr, data);
}

int cvm_sbx_set_ids(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (plan->uid == 0)
		return 0; /* tests and benchmarks that run the payload as root */
	if (prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0) < 0)
		return ERR("SECBIT_KEEP_CAPS: %s", strerror(errno));
	if (setgroups(1, &plan->gid) < 0)
		return ERR("setgroups(%u): %s", (unsigned)plan->gid, strerror(errno));
	if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
		return ERR("setresgid(%u): %s", (unsigned)plan->gid, strerror(errno));
	if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
		return ERR("setresuid(%u): %s", (unsigned)plan->uid, strerror(errno));
	if (getresuid(&r, &e, &s) < 0 || r != plan->uid || e != plan->uid || s != plan->uid)
		return ERR("uids did not change to %u", (unsigned)plan->uid);
	if (getresgid(&gr, &ge, &gs) < 0 || gr != plan->gid || ge != plan->gid || gs != plan->gid)
		return ERR("gids did not change to %u", (unsigned)plan->gid);
	return 0;
}

static int drop_bounding(char *why, size_t len)
{
	int cap;

	/* Until the kernel says the capability does not exist. */
	for (cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			return ERR("PR_CAPBSET_READ(%d): %s", cap, strerror(errno));
		}
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return ERR("PR_CAPBSET_DROP(%d): %s", cap, strerror(errno));
	}
	for (int c = 0; c < cap; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 0)
			return ERR("capability %d still in the bounding set", c);
	return 0;
}

int cvm_sbx_drop_caps(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	struct __user_cap_data_struct data[2];
	/* No root magic, no fix-ups on uid change, no ambient raise, and keep-caps
	 * off, each locked so not even a later root could turn them back. */
	const unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
	                           SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
	                           SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;

	if (plan->no_caps_drop)
		return 0;
	if (capget_raw(data) < 0)
		return ERR("capget: %s", strerror(errno));
	/* Re-raise what step 5 kept in the permitted set (CAP_SETPCAP). */
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (capset_raw(data) < 0)
		return ERR("capset (raise effective): %s", strerror(errno));
	if (drop_bounding(why, len) < 0)
		return -1;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
		return ERR("PR_SET_SECUREBITS: %s", strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return ERR("clearing ambient capabilities: %s", strerror(errno));
	memset(data, 0, sizeof(data));
	if (capset_raw(data) < 0)
		return ERR("capset (clear all): %s", strerror(errno));
	if (capget_raw(data) < 0)
		return ERR("capget: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable)
			return ERR("capabilities remain after capset");
	if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != (int)bits)
		return ERR("securebits did not stick");
	return 0;
}
