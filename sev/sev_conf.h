/* The spec's "confidential" object and what it makes the launcher do: the
 * contract between launcher/ and sev/. */
#ifndef CVM_SEV_CONF_H
#define CVM_SEV_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_argv.h"
#include "cvm_err.h"

struct json_object;

enum cvm_conf_type {
	CVM_CONF_NONE = 0,
	CVM_CONF_SEV,
	CVM_CONF_SEV_ES,
	CVM_CONF_SEV_SNP,
	CVM_CONF_TDX,
};

struct cvm_conf_spec {
	enum cvm_conf_type type;
	uint64_t policy;            /* SEV/SNP guest policy, composed from named bits or raw */
	bool policy_set;
	uint8_t host_data[32];      /* SNP HOST_DATA */
	bool host_data_set;
	char id_block[256];         /* file paths, "" when absent */
	char id_auth[256];
	bool kernel_hashes;
	uint64_t tdx_attributes;
	char mrconfigid[128];       /* base64 SHA-384 as QEMU wants, "" when absent */
	char mrowner[128];
	char mrownerconfig[128];
	char quote_socket[256];     /* TDX quote-generation socket (vsock "cid:port" or unix path) */
	uint64_t guest_features;    /* SNP VMSA sev_features for the expected measurement */
	char vcpu_type[32];         /* for the expected measurement, default EPYC-v4 */
};

const char *cvm_conf_type_name(enum cvm_conf_type t);

/* Parse the spec's "confidential" object (NULL = absent = none). Unknown keys,
 * wrong types and bad values fail with CVM_EXIT_BADINPUT naming
 * "confidential.<key>". */
int cvm_conf_parse(struct json_object *obj, struct cvm_conf_spec *out, cvm_err *err);

#endif
