/* GUIDs of the OVMF footer table and of QEMU's SEV hashes table, stored as
 * the bytes appear in memory (little-endian first three fields, "bytes_le"). */
#ifndef CVM_SEV_GUID_H
#define CVM_SEV_GUID_H

#include <stdint.h>

#define CVM_GUID_LE(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                                    \
	{                                                                                       \
		(uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24),   \
			(uint8_t)(b), (uint8_t)((b) >> 8), (uint8_t)(c), (uint8_t)((c) >> 8), d0, \
			d1, d2, d3, d4, d5, d6, d7                                                \
	}

/* 96b582de-1fb2-45f7-baea-a366c55a082d */
static const uint8_t CVM_GUID_OVMF_TABLE_FOOTER[16] =
	CVM_GUID_LE(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d);
/* 7255371f-3a3b-4b04-927b-1da6efa8d454 */
static const uint8_t CVM_GUID_SEV_HASH_TABLE_RV[16] =
	CVM_GUID_LE(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54);
/* 00f771de-1a7e-4fcb-890e-68c77e2fb44e */
static const uint8_t CVM_GUID_SEV_ES_RESET_BLOCK[16] =
	CVM_GUID_LE(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e);
/* dc886566-984a-4798-a75e-5585a7bf67cc */
static const uint8_t CVM_GUID_SEV_META_DATA[16] =
	CVM_GUID_LE(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc);
/* 9438d606-4f22-4cc9-b479-a793d411fd21: QEMU SEV_HASH_TABLE_HEADER_GUID */
static const uint8_t CVM_GUID_HASH_TABLE_HEADER[16] =
	CVM_GUID_LE(0x9438d606, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21);
/* 97d02dd8-bd20-4c94-aa78-e7714d36ab2a */
static const uint8_t CVM_GUID_HASH_CMDLINE[16] =
	CVM_GUID_LE(0x97d02dd8, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a);
/* 44baf731-3a2f-4bd7-9af1-41e29169781d */
static const uint8_t CVM_GUID_HASH_INITRD[16] =
	CVM_GUID_LE(0x44baf731, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d);
/* 4de79437-abd2-427f-b835-d5b172d2045b */
static const uint8_t CVM_GUID_HASH_KERNEL[16] =
	CVM_GUID_LE(0x4de79437, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b);

#endif
