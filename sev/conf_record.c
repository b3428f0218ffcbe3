/* The confidential part of the launch record (DESIGN §5: "confidential type
 * and policy"), as JSON. */
#include "sev_conf.h"

#include <inttypes.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cvm_fileio.h"

static void add_hex(struct json_object *o, const char *key, const uint8_t *d, size_t n)
{
	char hex[2 * 48 + 1];
	cvm_hex_encode(d, n, hex);
	json_object_object_add(o, key, json_object_new_string(hex));
}

static void add_u64_hex(struct json_object *o, const char *key, uint64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "%#" PRIx64, v);
	json_object_object_add(o, key, json_object_new_string(s));
}

void cvm_conf_to_json(const struct cvm_conf_spec *c, struct json_object *out)
{
	char names[256];
	json_object_object_add(out, "type", json_object_new_string(cvm_conf_type_name(c->type)));
	if (c->type == CVM_CONF_NONE)
		return;
	cvm_conf_policy_names(c, names, sizeof(names));
	if (c->type == CVM_CONF_TDX) {
		add_u64_hex(out, "attributes", c->tdx_attributes);
		json_object_object_add(out, "attribute_names", json_object_new_string(names));
		if (c->mrconfigid_set)
			add_hex(out, "mrconfigid", c->mrconfigid, 48);
		if (c->mrowner_set)
			add_hex(out, "mrowner", c->mrowner, 48);
		if (c->mrownerconfig_set)
			add_hex(out, "mrownerconfig", c->mrownerconfig, 48);
		if (c->quote_socket[0])
			json_object_object_add(out, "quote_socket", json_object_new_string(c->quote_socket));
		return;
	}
	add_u64_hex(out, "policy", c->policy);
	json_object_object_add(out, "policy_names", json_object_new_string(names));
	json_object_object_add(out, "kernel_hashes", json_object_new_boolean(c->kernel_hashes));
	if (c->type != CVM_CONF_SEV)
		json_object_object_add(out, "vcpu_type", json_object_new_string(c->vcpu_type));
	if (c->type != CVM_CONF_SEV_SNP)
		return;
	add_u64_hex(out, "guest_features", c->guest_features);
	if (c->host_data_set)
		add_hex(out, "host_data", c->host_data, 32);
	if (c->id_block[0])
		json_object_object_add(out, "id_block", json_object_new_string(c->id_block));
}
