/* configfs-tsm and /dev/sev-guest report retrieval (see guest_report.h).
 * configfs-tsm protocol: mkdir an entry, optionally write privlevel, write
 * inblob, read outblob (and auxblob); "generation" counts inblob writes, so
 * reading it around outblob detects another writer on a shared entry. */
#include "guest_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sev-guest.h>

#include "cvm_cleanup.h"

#define MAX_BLOB (1u << 20) /* outblob is 1184 B (SNP) or a few KiB (TDX quote); auxblob certs < 16 KiB */
#define SNP_REPORT_LEN 1184
#define SNP_REPORT_DATA_OFF 0x50

/* snprintf that fails loudly instead of truncating a path */
#define PATHF(err, buf, ...)                                                                      \
	do {                                                                                      \
		int n_ = snprintf(buf, sizeof(buf), __VA_ARGS__);                                 \
		if (n_ < 0 || (size_t)n_ >= sizeof(buf))                                          \
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "path too long under %s", buf); \
	} while (0)

void cvm_gr_result_free(struct cvm_gr_result *r)
{
	free(r->report);
	free(r->certs);
	r->report = r->certs = NULL;
}

static int read_blob(const char *path, uint8_t **out, size_t *len, cvm_err *err)
{
	cvm_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", path);
	cvm_autofree uint8_t *buf = malloc(MAX_BLOB + 1);
	if (!buf)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, MAX_BLOB + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", path);
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > MAX_BLOB)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: larger than %u bytes", path, MAX_BLOB);
	}
	buf[n] = 0;
	*len = n;
	*out = cvm_steal_ptr(&buf);
	return 0;
}

static int write_blob(const char *path, const void *d, size_t len, cvm_err *err)
{
	/* no O_CREAT: configfs attributes exist; a missing one is an error */
	cvm_autoclose int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_TRUNC);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", path);
	ssize_t r = write(fd, d, len);
	if (r < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", path);
	if ((size_t)r != len)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: short write", path);
	return 0;
}

static int read_text(const char *dir, const char *attr, char *out, size_t len, cvm_err *err)
{
	char path[4200];
	cvm_autofree uint8_t *d = NULL;
	size_t n = 0;
	PATHF(err, path, "%s/%s", dir, attr);
	if (read_blob(path, &d, &n, err) < 0)
		return -1;
	snprintf(out, len, "%s", (char *)d);
	out[strcspn(out, "\n")] = 0;
	return 0;
}

static int read_generation(const char *dir, unsigned long *g, cvm_err *err)
{
	char t[32], *end = NULL;
	if (read_text(dir, "generation", t, sizeof(t), err) < 0)
		return -1;
	*g = strtoul(t, &end, 10);
	if (end == t || *end)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s/generation: '%s' is not a number", dir, t);
	return 0;
}

/* Where each provider's format carries the report data. */
static int check_data(const struct cvm_gr_result *r, const uint8_t data[64], cvm_err *err)
{
	size_t off = 0;
	if (strcmp(r->provider, "sev_guest") == 0) {
		if (r->report_len < SNP_REPORT_LEN)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SNP report is %zu bytes, %d expected",
					   r->report_len, SNP_REPORT_LEN);
		off = SNP_REPORT_DATA_OFF;
	} else if (strcmp(r->provider, "tdx_guest") == 0) {
		/* quote v4: 48-byte header, REPORTDATA at body 0x208; v5 adds
		 * u16 body type + u32 body size before the body */
		unsigned version = r->report_len >= 2 ? (unsigned)(r->report[0] | r->report[1] << 8) : 0;
		off = version == 4 ? 0x30 + 0x208 : version == 5 ? 0x36 + 0x208 : 0;
		if (!off || r->report_len < off + 64)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "TDX quote: version %u / %zu bytes not understood",
					   version, r->report_len);
	} else {
		return 0; /* another provider: passed through unchecked */
	}
	if (memcmp(r->report + off, data, 64) != 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0,
				   "the %s report does not carry the requested report data", r->provider);
	return 0;
}

static int tsm_entry(const struct cvm_gr_request *req, const char *dir, struct cvm_gr_result *out, cvm_err *err)
{
	char path[4200], lvl[16];
	unsigned long g1 = 0, g2 = 0;
	if (req->vmpl >= 0) {
		PATHF(err, path, "%s/privlevel", dir);
		snprintf(lvl, sizeof(lvl), "%d\n", req->vmpl);
		if (write_blob(path, lvl, strlen(lvl), err) < 0)
			return -1;
	}
	PATHF(err, path, "%s/inblob", dir);
	if (write_blob(path, req->data, 64, err) < 0 || read_generation(dir, &g1, err) < 0)
		return -1;
	PATHF(err, path, "%s/outblob", dir);
	if (read_blob(path, &out->report, &out->report_len, err) < 0)
		return -1;
	if (req->want_certs) {
		PATHF(err, path, "%s/auxblob", dir);
		if (read_blob(path, &out->certs, &out->certs_len, err) < 0)
			return -1;
	}
	if (read_generation(dir, &g2, err) < 0 || read_text(dir, "provider", out->provider, sizeof(out->provider), err) < 0)
		return -1;
	if (g1 != g2)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0,
				   "%s: generation moved from %lu to %lu while reading: another writer shares the entry",
				   dir, g1, g2);
	if (out->report_len == 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s/outblob is empty", dir);
	out->generation = g2;
	snprintf(out->via, sizeof(out->via), "configfs-tsm");
	return 0;
}

static int via_tsm(const struct cvm_gr_request *req, const char *base, struct cvm_gr_result *out, cvm_err *err)
{
	char dir[4200];
	bool created = false;
	if (req->name)
		PATHF(err, dir, "%s/%s", base, req->name);
	else
		PATHF(err, dir, "%s/cvm-guest-report.%ld", base, (long)getpid());
	if (mkdir(dir, 0700) == 0)
		created = true;
	else if (errno != EEXIST || !req->name)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "creating %s", dir);
	int rc = tsm_entry(req, dir, out, err);
	if (created && rmdir(dir) < 0 && rc == 0)
		rc = cvm_err_sys(err, CVM_EXIT_FAILURE, "removing %s", dir);
	return rc;
}

static int via_sev_guest(const struct cvm_gr_request *req, const char *dev, struct cvm_gr_result *out, cvm_err *err)
{
	struct snp_report_req rq;
	struct snp_report_resp rs;
	struct snp_guest_request_ioctl io;
	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	memset(&io, 0, sizeof(io));
	memcpy(rq.user_data, req->data, 64);
	rq.vmpl = req->vmpl >= 0 ? (uint32_t)req->vmpl : 0;
	io.msg_version = 1;
	io.req_data = (uint64_t)(uintptr_t)&rq;
	io.resp_data = (uint64_t)(uintptr_t)&rs;
	cvm_autoclose int fd = open(dev, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", dev);
	if (ioctl(fd, SNP_GET_REPORT, &io) < 0) {
		int e = errno;
		return cvm_err_set(err, CVM_EXIT_FAILURE, e, "%s: SNP_GET_REPORT: %s (firmware error %#x, VMM error %#x)",
				   dev, strerror(e), (unsigned)(io.exitinfo2 & 0xffffffff), (unsigned)(io.exitinfo2 >> 32));
	}
	/* MSG_REPORT_RSP: u32 status, u32 report_size, 24 reserved, report */
	uint32_t status = 0, size = 0;
	memcpy(&status, rs.data, 4);
	memcpy(&size, rs.data + 4, 4);
	if (status != 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: report status %#x", dev, status);
	if (size < SNP_REPORT_LEN || size > sizeof(rs.data) - 32)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: report size %u", dev, size);
	out->report = malloc(size);
	if (!out->report)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	memcpy(out->report, rs.data + 32, size);
	out->report_len = size;
	snprintf(out->provider, sizeof(out->provider), "sev_guest");
	snprintf(out->via, sizeof(out->via), "sev-guest");
	return 0;
}

int cvm_gr_get(const struct cvm_gr_request *req, struct cvm_gr_result *out, cvm_err *err)
{
	char base[4200], dev[4200];
	struct stat st;
	memset(out, 0, sizeof(*out));
	PATHF(err, base, "%s/sys/kernel/config/tsm/report", req->root);
	PATHF(err, dev, "%s/dev/sev-guest", req->root);
	bool tsm = stat(base, &st) == 0 && S_ISDIR(st.st_mode);
	int rc;
	if (req->via == CVM_GR_TSM || (req->via == CVM_GR_AUTO && tsm)) {
		rc = via_tsm(req, base, out, err);
	} else if (req->via == CVM_GR_SEV_GUEST || access(dev, F_OK) == 0) {
		if (req->want_certs)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--certs needs configfs-tsm (%s)", base);
		rc = via_sev_guest(req, dev, out, err);
	} else {
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "no attestation interface: neither %s nor %s exists "
				   "(not a confidential guest, or configfs not mounted)", base, dev);
	}
	if (rc == 0)
		rc = check_data(out, req->data, err);
	if (rc < 0)
		cvm_gr_result_free(out);
	return rc;
}
