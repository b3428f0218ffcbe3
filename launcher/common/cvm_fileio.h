/* Small file helpers shared by every module. */
#ifndef CVM_FILEIO_H
#define CVM_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm_err.h"

/* Read a whole regular file of at most @max bytes into a NUL-terminated
 * malloc'd buffer (*out, owned by the caller). Bad or missing path:
 * CVM_EXIT_BADINPUT with the path in the message. */
int cvm_read_file(const char *path, size_t max, uint8_t **out, size_t *len, cvm_err *err);

/* Atomically replace @path with @data: write a temp file in the same folder,
 * fsync it, rename over @path, fsync the folder. Either the old or the new
 * content is visible, never a mix. */
int cvm_write_atomic(const char *path, const void *data, size_t len, mode_t mode, cvm_err *err);

/* mkdir -p with @mode for the folders it creates. */
int cvm_mkdir_p(const char *path, mode_t mode, cvm_err *err);

/* Remove a folder tree (no symlink following). Missing is success. */
int cvm_rm_rf(const char *path, cvm_err *err);

/* Lower-case hex of @len bytes into @out (2*len+1 bytes). */
void cvm_hex_encode(const uint8_t *in, size_t len, char *out);
/* Decode hex (either case, no separators) of exactly @len bytes; -1 if bad.
 * With @len == 0, decodes any even-length string into a malloc'd buffer. */
int cvm_hex_decode(const char *hex, uint8_t *out, size_t len);
int cvm_hex_decode_alloc(const char *hex, uint8_t **out, size_t *len);

/* SHA-256 of a file's content, as lower-case hex (65 bytes). */
int cvm_sha256_file_hex(const char *path, char out[65], cvm_err *err);
void cvm_sha256_hex(const void *data, size_t len, char out[65]);

#endif
