/* The SEV hashes table (FORMATS.md §2: GUID, u16 168, then cmdline, initrd,
 * kernel entries {GUID, u16 50, SHA-256}, zero-padded to 176 bytes). */
#include "sev_hashes.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "sev_guid.h"

#define ENTRY_LEN 50u /* GUID + u16 + SHA-256 */

int cvm_sev_sha256_file(const char *path, uint8_t out[32], cvm_err *err)
{
	cvm_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s", path);
	cvm_auto_evp_md_ctx EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 unavailable");
	static const size_t chunk = 1 << 20;
	cvm_autofree uint8_t *buf = malloc(chunk);
	if (!buf)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s", path);
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 failed");
	}
	if (!EVP_DigestFinal_ex(ctx, out, NULL))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 failed");
	return 0;
}

int cvm_sev_hashes_compute(const char *kernel, const char *initrd, const char *cmdline,
			   struct cvm_sev_hashes *out, cvm_err *err)
{
	if (cvm_sev_sha256_file(kernel, out->kernel, err) < 0)
		return cvm_err_prefix(err, "kernel: ");
	if (initrd) {
		if (cvm_sev_sha256_file(initrd, out->initrd, err) < 0)
			return cvm_err_prefix(err, "initrd: ");
	} else {
		SHA256((const unsigned char *)"", 0, out->initrd);
	}
	const char *c = cmdline ? cmdline : "";
	SHA256((const unsigned char *)c, strlen(c) + 1, out->cmdline); /* with the NUL, as QEMU loads it */
	return 0;
}

static uint8_t *put_entry(uint8_t *p, const uint8_t guid[16], const uint8_t hash[32])
{
	memcpy(p, guid, 16);
	p[16] = ENTRY_LEN & 0xff;
	p[17] = ENTRY_LEN >> 8;
	memcpy(p + 18, hash, 32);
	return p + ENTRY_LEN;
}

void cvm_sev_hashes_table(const struct cvm_sev_hashes *h, uint8_t out[CVM_SEV_HASH_TABLE_PADDED_LEN])
{
	memset(out, 0, CVM_SEV_HASH_TABLE_PADDED_LEN);
	memcpy(out, CVM_GUID_HASH_TABLE_HEADER, 16);
	out[16] = CVM_SEV_HASH_TABLE_LEN & 0xff;
	out[17] = CVM_SEV_HASH_TABLE_LEN >> 8;
	uint8_t *p = out + 18;
	p = put_entry(p, CVM_GUID_HASH_CMDLINE, h->cmdline);
	p = put_entry(p, CVM_GUID_HASH_INITRD, h->initrd);
	put_entry(p, CVM_GUID_HASH_KERNEL, h->kernel);
}

int cvm_sev_hashes_page(const struct cvm_sev_hashes *h, uint32_t offset, uint8_t page[4096], cvm_err *err)
{
	if (offset > 4096 - CVM_SEV_HASH_TABLE_PADDED_LEN)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "SEV hashes table at page offset %#x does not fit in the page", offset);
	memset(page, 0, 4096);
	cvm_sev_hashes_table(h, page + offset);
	return 0;
}
