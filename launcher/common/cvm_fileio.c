#include "cvm_fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cvm_cleanup.h"

int cvm_read_file(const char *path, size_t max, uint8_t **out, size_t *len, cvm_err *err)
{
	cvm_autoclose int fd = -1;
	cvm_autofree uint8_t *buf = NULL;
	struct stat st;
	size_t got = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s", path);
	if (fstat(fd, &st) < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s", path);
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: not a regular file", path);
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: too large (%lld bytes, limit %zu)",
				   path, (long long)st.st_size, max);
	buf = malloc(max + 1);
	if (!buf)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "%s: out of memory", path);
	for (;;) {
		ssize_t n = read(fd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s: read", path);
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: too large (limit %zu bytes)", path, max);
	}
	buf[got] = '\0';
	*len = got;
	*out = cvm_steal_ptr(&buf);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cvm_write_atomic(const char *path, const void *data, size_t len, mode_t mode, cvm_err *err)
{
	char tmp[PATH_MAX];
	char dir[PATH_MAX];
	cvm_autoclose int fd = -1;
	cvm_autoclose int dfd = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, ENAMETOOLONG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", tmp);
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		cvm_err_sys(err, CVM_EXIT_FAILURE, "%s: write", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		cvm_err_sys(err, CVM_EXIT_FAILURE, "%s: rename", path);
		unlink(tmp);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		(void)fsync(dfd); /* durability of the rename; content is already safe */
	return 0;
}

int cvm_mkdir_p(const char *path, mode_t mode, cvm_err *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: bad folder path", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "mkdir %s", buf);
	return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(p) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(p) < 0 && errno != ENOENT ? -1 : 0;
}

int cvm_rm_rf(const char *path, cvm_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "remove %s", path);
	return 0;
}

void cvm_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cvm_hex_decode(const char *hex, uint8_t *out, size_t len)
{
	if (strlen(hex) != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int cvm_hex_decode_alloc(const char *hex, uint8_t **out, size_t *len)
{
	size_t n = strlen(hex);
	cvm_autofree uint8_t *buf = NULL;

	if (n % 2)
		return -1;
	buf = malloc(n / 2 + 1);
	if (!buf || cvm_hex_decode(hex, buf, n / 2) < 0)
		return -1;
	*len = n / 2;
	*out = cvm_steal_ptr(&buf);
	return 0;
}

void cvm_sha256_hex(const void *data, size_t len, char out[65])
{
	uint8_t md[32];
	unsigned int mdlen = sizeof(md);

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	cvm_hex_encode(md, sizeof(md), out);
}

int cvm_sha256_file_hex(const char *path, char out[65], cvm_err *err)
{
	cvm_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	EVP_MD_CTX *ctx = NULL;
	uint8_t buf[65536], md[32];
	unsigned int mdlen = sizeof(md);
	int rc = -1;

	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s", path);
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen))
		goto out;
	cvm_hex_encode(md, 32, out);
	rc = 0;
out:
	if (rc < 0 && err && !err->msg[0])
		cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: SHA-256 failed", path);
	EVP_MD_CTX_free(ctx);
	return rc;
}
