/* Parsing of the spec's "confidential" object (keys in sev_conf.h). Pure:
 * nothing here touches files or the host. */
#include "sev_conf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_fileio.h"
#include "cvm_json.h"
#include "sev_vmsa.h"

static const char *const type_names[] = {
	[CVM_CONF_NONE] = "none",     [CVM_CONF_SEV] = "sev", [CVM_CONF_SEV_ES] = "sev-es",
	[CVM_CONF_SEV_SNP] = "sev-snp", [CVM_CONF_TDX] = "tdx", NULL,
};

const char *cvm_conf_type_name(enum cvm_conf_type t)
{
	return (unsigned)t < sizeof(type_names) / sizeof(type_names[0]) - 1 ? type_names[t] : "?";
}

/* A named bit: @set_means says whether "true" sets the bit (false for the
 * SEV "NO..." bits, whose names say what is allowed). */
struct named_bit {
	const char *name;
	uint64_t bit;
	bool set_means;
};

static const struct named_bit sev_bits[] = {
	{ "debug", CVM_SEV_POLICY_NODBG, false },   { "key_sharing", CVM_SEV_POLICY_NOKS, false },
	{ "send", CVM_SEV_POLICY_NOSEND, false },   { "domain", CVM_SEV_POLICY_DOMAIN, true },
	{ "sev", CVM_SEV_POLICY_SEV, true },        { NULL, 0, false },
};

static const struct named_bit snp_bits[] = {
	{ "smt", CVM_SNP_POLICY_SMT, true },
	{ "migrate_ma", CVM_SNP_POLICY_MIGRATE_MA, true },
	{ "debug", CVM_SNP_POLICY_DEBUG, true },
	{ "single_socket", CVM_SNP_POLICY_SINGLE_SOCKET, true },
	{ "cxl_allow", CVM_SNP_POLICY_CXL_ALLOW, true },
	{ "mem_aes_256_xts", CVM_SNP_POLICY_MEM_AES_256_XTS, true },
	{ "rapl_dis", CVM_SNP_POLICY_RAPL_DIS, true },
	{ "ciphertext_hiding", CVM_SNP_POLICY_CIPHERTEXT_HIDING, true },
	{ "page_swap_disable", CVM_SNP_POLICY_PAGE_SWAP_DISABLE, true },
	{ NULL, 0, false },
};

static const struct named_bit tdx_bits[] = {
	{ "debug", CVM_TDX_ATTR_DEBUG, true },
	{ "sept_ve_disable", CVM_TDX_ATTR_SEPT_VE_DISABLE, true },
	{ "pks", CVM_TDX_ATTR_PKS, true },
	{ "perfmon", CVM_TDX_ATTR_PERFMON, true },
	{ NULL, 0, false },
};

#define BAD(err, ...) cvm_err_set(err, CVM_EXIT_BADINPUT, 0, __VA_ARGS__)

/* An unsigned integer: a JSON integer or a "0x..."/decimal string. */
static int get_u64(struct json_object *v, const char *key, uint64_t *out, cvm_err *err)
{
	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);
		if (i < 0)
			return BAD(err, "confidential.%s: must not be negative", key);
		*out = (uint64_t)i;
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end = NULL;
		errno = 0;
		unsigned long long u = strtoull(s, &end, 0);
		if (!errno && end != s && !*end && s[0] != '-' && s[0] != ' ') {
			*out = u;
			return 0;
		}
	}
	return BAD(err, "confidential.%s: must be an integer or a \"0x...\" string", key);
}

static int get_bool(struct json_object *v, const char *key, bool *out, cvm_err *err)
{
	if (!json_object_is_type(v, json_type_boolean))
		return BAD(err, "confidential.%s: must be true or false", key);
	*out = json_object_get_boolean(v);
	return 0;
}

static int get_str(struct json_object *v, const char *key, char *out, size_t len, cvm_err *err)
{
	if (!json_object_is_type(v, json_type_string))
		return BAD(err, "confidential.%s: must be a string", key);
	const char *s = json_object_get_string(v);
	if (!*s || strlen(s) >= len)
		return BAD(err, "confidential.%s: must be a non-empty string shorter than %zu bytes", key, len);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_hex(struct json_object *v, const char *key, uint8_t *out, size_t n, bool *set, cvm_err *err)
{
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	if (!s || strlen(s) != 2 * n || cvm_hex_decode(s, out, n) < 0)
		return BAD(err, "confidential.%s: must be %zu hex digits (%zu bytes)", key, 2 * n, n);
	*set = true;
	return 0;
}

/* Named bits over @base, or a raw value. */
static int get_bits(struct json_object *v, const char *key, const struct named_bit *bits, bool abi,
		    uint64_t base, uint64_t *out, cvm_err *err)
{
	if (!json_object_is_type(v, json_type_object))
		return get_u64(v, key, out, err);
	uint64_t r = base;
	json_object_object_foreach(v, name, val) {
		if (abi && (strcmp(name, "abi_major") == 0 || strcmp(name, "abi_minor") == 0)) {
			long long n = 0;
			if (cvm_json_int(val, 0, 255, &n) < 0)
				return BAD(err, "confidential.%s.%s: must be an integer 0..255", key, name);
			unsigned shift = strcmp(name, "abi_major") == 0 ? CVM_SNP_POLICY_ABI_MAJOR_SHIFT
									: CVM_SNP_POLICY_ABI_MINOR_SHIFT;
			r = (r & ~(0xffull << shift)) | (uint64_t)n << shift;
			continue;
		}
		const struct named_bit *b = bits;
		while (b->name && strcmp(b->name, name) != 0)
			b++;
		if (!b->name)
			return BAD(err, "confidential.%s.%s: unknown bit", key, name);
		if (!json_object_is_type(val, json_type_boolean))
			return BAD(err, "confidential.%s.%s: must be true or false", key, name);
		bool on = json_object_get_boolean(val) == b->set_means;
		r = on ? r | b->bit : r & ~b->bit;
	}
	*out = r;
	return 0;
}

static int check_policy(struct cvm_conf_spec *c, cvm_err *err)
{
	if (c->type == CVM_CONF_SEV_SNP) {
		if (!(c->policy & CVM_SNP_POLICY_RESERVED1))
			return BAD(err, "confidential.policy: SNP policy %#" PRIx64 " has bit 17 clear (reserved, must be 1)",
				   c->policy);
		if (c->policy & ~CVM_SNP_POLICY_DEFINED_MASK)
			return BAD(err, "confidential.policy: SNP policy %#" PRIx64 " sets reserved bits above 25",
				   c->policy);
		return 0;
	}
	if (c->policy > UINT32_MAX)
		return BAD(err, "confidential.policy: SEV policy %#" PRIx64 " does not fit 32 bits", c->policy);
	if (c->type == CVM_CONF_SEV_ES && !(c->policy & CVM_SEV_POLICY_ES))
		return BAD(err, "confidential.policy: type sev-es needs the ES bit (0x4) in the policy");
	if (c->type == CVM_CONF_SEV && (c->policy & CVM_SEV_POLICY_ES))
		return BAD(err, "confidential.policy: the ES bit (0x4) is set; use type sev-es");
	return 0;
}

static int parse_socket(const char *s, char *out, size_t len, cvm_err *err)
{
	unsigned long cid = 0, port = 0;
	char tail = 0;
	if (strncmp(s, "vsock:", 6) == 0) {
		if (sscanf(s + 6, "%lu:%lu%c", &cid, &port, &tail) != 2 || cid > UINT32_MAX || port > UINT32_MAX)
			return BAD(err, "confidential.quote_socket: '%s' is not vsock:CID:PORT", s);
		snprintf(out, len, "vsock:%lu:%lu", cid, port);
		return 0;
	}
	const char *path = strncmp(s, "unix:", 5) == 0 ? s + 5 : s;
	if (path[0] != '/' || strlen(path) >= 108) /* sun_path */
		return BAD(err, "confidential.quote_socket: '%s' is not vsock:CID:PORT, unix:PATH or an absolute path of < 108 bytes",
			   s);
	snprintf(out, len, "unix:%s", path);
	return 0;
}

/* Which types each key is valid for (bit per enum cvm_conf_type). */
#define T(x) (1u << (x))
#define SEV_ANY (T(CVM_CONF_SEV) | T(CVM_CONF_SEV_ES) | T(CVM_CONF_SEV_SNP))
static const struct {
	const char *key;
	unsigned types;
} key_types[] = {
	{ "type", ~0u },
	{ "policy", SEV_ANY },
	{ "kernel_hashes", SEV_ANY },
	{ "cbitpos", SEV_ANY },
	{ "reduced_phys_bits", SEV_ANY },
	{ "host_data", T(CVM_CONF_SEV_SNP) },
	{ "id_block", T(CVM_CONF_SEV_SNP) },
	{ "id_auth", T(CVM_CONF_SEV_SNP) },
	{ "author_key", T(CVM_CONF_SEV_SNP) },
	{ "vcpu_type", T(CVM_CONF_SEV_ES) | T(CVM_CONF_SEV_SNP) },
	{ "guest_features", T(CVM_CONF_SEV_SNP) },
	{ "attributes", T(CVM_CONF_TDX) },
	{ "mrconfigid", T(CVM_CONF_TDX) },
	{ "mrowner", T(CVM_CONF_TDX) },
	{ "mrownerconfig", T(CVM_CONF_TDX) },
	{ "quote_socket", T(CVM_CONF_TDX) },
};

static int check_key(const char *key, enum cvm_conf_type t, cvm_err *err)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		if (strcmp(key, key_types[i].key) != 0)
			continue;
		if (!(key_types[i].types & T(t)))
			return BAD(err, "confidential.%s: not valid for type %s", key, cvm_conf_type_name(t));
		return 0;
	}
	return BAD(err, "confidential.%s: unknown key", key);
}

static int parse_key(struct cvm_conf_spec *c, const char *key, struct json_object *v, cvm_err *err)
{
	long long n = 0;
	char sock[CVM_CONF_PATH_MAX + 8];
	uint32_t sig = 0;
	if (strcmp(key, "type") == 0)
		return 0;
	if (strcmp(key, "policy") == 0) {
		bool snp = c->type == CVM_CONF_SEV_SNP;
		if (get_bits(v, key, snp ? snp_bits : sev_bits, snp, c->policy, &c->policy, err) < 0)
			return -1;
		c->policy_set = true;
		return 0;
	}
	if (strcmp(key, "kernel_hashes") == 0)
		return get_bool(v, key, &c->kernel_hashes, err);
	if (strcmp(key, "cbitpos") == 0 || strcmp(key, "reduced_phys_bits") == 0) {
		bool cbit = key[0] == 'c';
		if (cvm_json_int(v, cbit ? 32 : 1, 63, &n) < 0)
			return BAD(err, "confidential.%s: must be an integer %s..63", key, cbit ? "32" : "1");
		*(cbit ? &c->cbitpos : &c->reduced_phys_bits) = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "host_data") == 0)
		return get_hex(v, key, c->host_data, sizeof(c->host_data), &c->host_data_set, err);
	if (strcmp(key, "id_block") == 0)
		return get_str(v, key, c->id_block, sizeof(c->id_block), err);
	if (strcmp(key, "id_auth") == 0)
		return get_str(v, key, c->id_auth, sizeof(c->id_auth), err);
	if (strcmp(key, "author_key") == 0)
		return get_bool(v, key, &c->author_key, err);
	if (strcmp(key, "vcpu_type") == 0) {
		if (get_str(v, key, c->vcpu_type, sizeof(c->vcpu_type), err) < 0)
			return -1;
		if (!cvm_vcpu_sig_by_name(c->vcpu_type, &sig))
			return BAD(err, "confidential.vcpu_type: unknown vCPU type '%s'", c->vcpu_type);
		return 0;
	}
	if (strcmp(key, "guest_features") == 0)
		return get_u64(v, key, &c->guest_features, err);
	if (strcmp(key, "attributes") == 0)
		return get_bits(v, key, tdx_bits, false, c->tdx_attributes, &c->tdx_attributes, err);
	if (strcmp(key, "mrconfigid") == 0)
		return get_hex(v, key, c->mrconfigid, 48, &c->mrconfigid_set, err);
	if (strcmp(key, "mrowner") == 0)
		return get_hex(v, key, c->mrowner, 48, &c->mrowner_set, err);
	if (strcmp(key, "mrownerconfig") == 0)
		return get_hex(v, key, c->mrownerconfig, 48, &c->mrownerconfig_set, err);
	/* quote_socket (check_key admitted only known keys) */
	if (get_str(v, key, sock, sizeof(sock) - 8, err) < 0)
		return -1;
	return parse_socket(sock, c->quote_socket, sizeof(c->quote_socket), err);
}

static void defaults(struct cvm_conf_spec *c)
{
	switch (c->type) {
	case CVM_CONF_SEV:
		c->policy = CVM_SEV_POLICY_DEFAULT;
		break;
	case CVM_CONF_SEV_ES:
		c->policy = CVM_SEV_POLICY_DEFAULT | CVM_SEV_POLICY_ES;
		break;
	case CVM_CONF_SEV_SNP:
		c->policy = CVM_SNP_POLICY_DEFAULT;
		break;
	case CVM_CONF_TDX:
		c->tdx_attributes = CVM_TDX_ATTR_DEFAULT;
		break;
	case CVM_CONF_NONE:
	default:
		break;
	}
	strcpy(c->vcpu_type, "EPYC-v4");
	c->guest_features = c->type == CVM_CONF_SEV_SNP ? 0x1 : 0;
}

int cvm_conf_parse(struct json_object *obj, struct cvm_conf_spec *out, cvm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->type = CVM_CONF_NONE;
	if (!obj)
		return 0;
	if (!json_object_is_type(obj, json_type_object))
		return BAD(err, "confidential: must be an object");
	struct json_object *t = NULL;
	if (!json_object_object_get_ex(obj, "type", &t))
		return BAD(err, "confidential.type: missing");
	int ti = cvm_json_enum(t, type_names);
	if (ti < 0)
		return BAD(err, "confidential.type: must be one of none, sev, sev-es, sev-snp, tdx");
	out->type = (enum cvm_conf_type)ti;
	defaults(out);
	json_object_object_foreach(obj, key, val) {
		if (check_key(key, out->type, err) < 0 || parse_key(out, key, val, err) < 0)
			return -1;
	}
	if (out->type >= CVM_CONF_SEV && out->type <= CVM_CONF_SEV_SNP && check_policy(out, err) < 0)
		return -1;
	if (out->id_auth[0] && !out->id_block[0])
		return BAD(err, "confidential.id_auth: needs confidential.id_block");
	if (out->id_block[0] && !out->id_auth[0])
		return BAD(err, "confidential.id_block: needs confidential.id_auth");
	if (out->author_key && !out->id_auth[0])
		return BAD(err, "confidential.author_key: needs confidential.id_auth");
	return 0;
}

void cvm_conf_policy_names(const struct cvm_conf_spec *c, char *buf, size_t len)
{
	const struct named_bit *bits = c->type == CVM_CONF_SEV_SNP ? snp_bits
				       : c->type == CVM_CONF_TDX   ? tdx_bits
				       : c->type == CVM_CONF_NONE  ? NULL
								   : sev_bits;
	uint64_t v = c->type == CVM_CONF_TDX ? c->tdx_attributes : c->policy;
	size_t used = 0;
	if (len)
		buf[0] = 0;
	for (const struct named_bit *b = bits; b && b->name; b++) {
		if (((v & b->bit) != 0) != b->set_means)
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", b->name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}
