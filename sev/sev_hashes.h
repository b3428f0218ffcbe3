/* QEMU's SEV kernel hashes table (PaddedSevHashTable, target/i386/sev.c):
 * what OVMF checks a directly booted kernel, initrd and command line against,
 * and what the launch measurement covers. */
#ifndef CVM_SEV_HASHES_H
#define CVM_SEV_HASHES_H

#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

#define CVM_SEV_HASH_TABLE_LEN 168        /* header + 3 entries, the table's own length field */
#define CVM_SEV_HASH_TABLE_PADDED_LEN 176 /* zero-padded to 16 bytes, as QEMU measures it */

struct cvm_sev_hashes {
	uint8_t kernel[32], initrd[32], cmdline[32]; /* SHA-256 each */
};

/* Hash the files (@initrd NULL = no initrd = SHA-256 of nothing) and the
 * command line (@cmdline NULL = empty; hashed with its trailing NUL). Files
 * are streamed, never loaded whole. */
int cvm_sev_hashes_compute(const char *kernel, const char *initrd, const char *cmdline,
			   struct cvm_sev_hashes *out, cvm_err *err);

/* Pure: the padded table, and the 4 KiB page holding it at @offset. */
void cvm_sev_hashes_table(const struct cvm_sev_hashes *h, uint8_t out[CVM_SEV_HASH_TABLE_PADDED_LEN]);
int cvm_sev_hashes_page(const struct cvm_sev_hashes *h, uint32_t offset, uint8_t page[4096], cvm_err *err);

/* SHA-256 of a file's content, streamed (also used for QEMU binary hashes). */
int cvm_sev_sha256_file(const char *path, uint8_t out[32], cvm_err *err);

#endif
