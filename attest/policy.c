#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "snp_report.h"

#define POLICY_MAX_BYTES (1u << 20)

static const char *const binding_names[] = {"raw", "sha256", "sha384", "sha512", NULL};
static const char *const conf_types[] = {"sev-snp", "tdx", "none", NULL};

const char *cvm_nonce_binding_name(enum cvm_nonce_binding b)
{
	return (unsigned)b < 4 ? binding_names[b] : "unknown";
}

int cvm_nonce_expected(enum cvm_nonce_binding binding, const uint8_t *nonce, size_t len, uint8_t out[64])
{
	const EVP_MD *md = NULL;
	unsigned int mdlen = 0;

	memset(out, 0, 64);
	switch (binding) {
	case CVM_NONCE_RAW:
		if (len > 64)
			return -1;
		memcpy(out, nonce, len);
		return 0;
	case CVM_NONCE_SHA256:
		md = EVP_sha256();
		break;
	case CVM_NONCE_SHA384:
		md = EVP_sha384();
		break;
	case CVM_NONCE_SHA512:
		md = EVP_sha512();
		break;
	default:
		return -1;
	}
	return EVP_Digest(nonce, len, out, &mdlen, md, NULL) == 1 ? 0 : -1;
}

static void snp_defaults(struct cvm_policy_snp *s)
{
	memset(s, 0, sizeof(*s));
	for (const struct cvm_snp_policy_bit *b = cvm_snp_policy_bits; b->name; b++)
		s->allowed_bits |= b->mask;
	s->allowed_bits &= ~CVM_SNP_POL_DEBUG;
	s->allow_vcek = s->allow_vlek = true;
	s->vmpl = -1;
	s->allow_provisional_firmware = true;
}

static struct cvm_policy *policy_new(const char *origin)
{
	struct cvm_policy *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	snprintf(p->origin, sizeof(p->origin), "%s", origin);
	p->nonce_binding = CVM_NONCE_RAW;
	snp_defaults(&p->snp);
	return p;
}

struct cvm_policy *cvm_policy_default(void)
{
	struct cvm_policy *p = policy_new("built-in default policy");

	p->is_default = true;
	return p;
}

void cvm_policy_free(struct cvm_policy *p)
{
	if (!p)
		return;
	json_object_put(p->tdx);
	json_object_put(p->tpm);
	json_object_put(p->launch_record);
	free(p);
}

/* Every helper below names the key as "section.key" in its error. */
static int want_bool(json_object *v, const char *key, bool *out, const char *origin, cvm_err *err)
{
	if (!json_object_is_type(v, json_type_boolean))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must be true or false", origin, key);
	*out = json_object_get_boolean(v);
	return 0;
}

static int want_hex(json_object *v, const char *key, uint8_t *out, size_t len, const char *origin, cvm_err *err)
{
	if (!json_object_is_type(v, json_type_string) || cvm_hex_decode(json_object_get_string(v), out, len) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must be a string of %zu hex digits", origin, key,
		                   2 * len);
	return 0;
}

static int want_hex_list(json_object *v, const char *key, uint8_t (*out)[48], size_t *n, const char *origin,
                         cvm_err *err)
{
	size_t len;

	if (!json_object_is_type(v, json_type_array))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must be an array of hex strings", origin, key);
	len = json_object_array_length(v);
	if (len == 0 || len > CVM_POLICY_MAX_DIGESTS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must list 1 to %d values", origin, key,
		                   CVM_POLICY_MAX_DIGESTS);
	for (size_t i = 0; i < len; i++) {
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", key, i);
		if (want_hex(json_object_array_get_idx(v, i), sub, out[i], 48, origin, err) < 0)
			return -1;
	}
	*n = len;
	return 0;
}

static int want_bits(json_object *v, const char *key, uint64_t *out, const char *origin, cvm_err *err)
{
	uint64_t bits = 0;

	if (!json_object_is_type(v, json_type_array))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must be an array of policy flag names", origin,
		                   key);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		uint64_t m = json_object_is_type(e, json_type_string)
		                 ? cvm_snp_policy_bit_by_name(json_object_get_string(e))
		                 : 0;
		if (!m)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "%s: %s[%zu]: unknown guest policy flag %s (known: smt, migrate_ma, debug, "
			                   "single_socket, cxl_allow, mem_aes_256_xts, rapl_dis, ciphertext_hiding, "
			                   "page_swap_disable)",
			                   origin, key, i, json_object_to_json_string(e));
		bits |= m;
	}
	*out = bits;
	return 0;
}

static int want_tcb(json_object *v, const char *key, struct cvm_policy_tcb *t, const char *origin, cvm_err *err)
{
	static const char *const comps[] = {"fmc", "bl", "tee", "snp", "ucode"};
	int *slots[] = {&t->fmc, &t->bl, &t->tee, &t->snp, &t->ucode};

	if (!json_object_is_type(v, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must be an object {bl, tee, snp, ucode, fmc}",
		                   origin, key);
	t->set = true;
	t->fmc = t->bl = t->tee = t->snp = t->ucode = -1;
	json_object_object_foreach(v, k, val)
	{
		size_t i;
		long long n;
		for (i = 0; i < 5; i++)
			if (strcmp(k, comps[i]) == 0)
				break;
		if (i == 5)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "%s: unknown key %s.%s (known: bl, tee, snp, ucode, fmc)", origin, key, k);
		if (cvm_json_int(val, 0, 255, &n) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s.%s must be an integer 0..255", origin,
			                   key, k);
		*slots[i] = (int)n;
	}
	return 0;
}

static int parse_snp(json_object *obj, struct cvm_policy_snp *s, const char *origin, cvm_err *err)
{
	long long n;

	if (!json_object_is_type(obj, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: snp must be an object", origin);
	s->present = true;
	json_object_object_foreach(obj, k, v)
	{
		int rc = 0;
		if (strcmp(k, "allowed_policy_flags") == 0) {
			rc = want_bits(v, "snp.allowed_policy_flags", &s->allowed_bits, origin, err);
		} else if (strcmp(k, "required_policy_flags") == 0) {
			rc = want_bits(v, "snp.required_policy_flags", &s->required_bits, origin, err);
		} else if (strcmp(k, "minimum_tcb") == 0) {
			rc = want_tcb(v, "snp.minimum_tcb", &s->min_tcb, origin, err);
		} else if (strcmp(k, "minimum_launch_tcb") == 0) {
			rc = want_tcb(v, "snp.minimum_launch_tcb", &s->min_launch_tcb, origin, err);
		} else if (strcmp(k, "minimum_guest_svn") == 0) {
			if (cvm_json_int(v, 0, UINT32_MAX, &n) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s: snp.minimum_guest_svn must be an integer 0..4294967295",
				                   origin);
			s->has_min_guest_svn = true;
			s->min_guest_svn = (uint32_t)n;
		} else if (strcmp(k, "vmpl") == 0) {
			if (cvm_json_int(v, 0, 3, &n) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: snp.vmpl must be an integer 0..3",
				                   origin);
			s->vmpl = (int)n;
		} else if (strcmp(k, "measurements") == 0) {
			rc = want_hex_list(v, "snp.measurements", s->measurements, &s->n_measurements, origin, err);
		} else if (strcmp(k, "host_data") == 0) {
			rc = want_hex(v, "snp.host_data", s->host_data, 32, origin, err);
			s->has_host_data = true;
		} else if (strcmp(k, "id_key_digests") == 0) {
			rc = want_hex_list(v, "snp.id_key_digests", s->id_key_digests, &s->n_id_key_digests, origin,
			                   err);
		} else if (strcmp(k, "author_key_digests") == 0) {
			rc = want_hex_list(v, "snp.author_key_digests", s->author_key_digests, &s->n_author_key_digests,
			                   origin, err);
		} else if (strcmp(k, "allow_provisional_firmware") == 0) {
			rc =
			    want_bool(v, "snp.allow_provisional_firmware", &s->allow_provisional_firmware, origin, err);
		} else if (strcmp(k, "signers") == 0) {
			static const char *const signers[] = {"vcek", "vlek", NULL};
			if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s: snp.signers must be a non-empty array of \"vcek\", \"vlek\"",
				                   origin);
			s->allow_vcek = s->allow_vlek = false;
			for (size_t i = 0; i < json_object_array_length(v); i++) {
				int which = cvm_json_enum(json_object_array_get_idx(v, i), signers);
				if (which < 0)
					return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					                   "%s: snp.signers[%zu] must be \"vcek\" or \"vlek\"", origin,
					                   i);
				*(which == 0 ? &s->allow_vcek : &s->allow_vlek) = true;
			}
		} else {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: unknown key snp.%s", origin, k);
		}
		if (rc < 0)
			return -1;
	}
	if (s->required_bits & ~s->allowed_bits) {
		/* required ⊆ allowed keeps the two lists from contradicting each other */
		char names[160];
		cvm_snp_policy_bits_str(s->required_bits & ~s->allowed_bits, names, sizeof(names));
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "%s: snp.required_policy_flags lists %s, which allowed_policy_flags does not allow",
		                   origin, names);
	}
	return 0;
}

static int keep_section(json_object *v, const char *key, json_object **slot, const char *origin, cvm_err *err)
{
	if (!json_object_is_type(v, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s must be an object", origin, key);
	*slot = json_object_get(v);
	return 0;
}

int cvm_policy_parse(const char *text, const char *origin, struct cvm_policy **out, cvm_err *err)
{
	cvm_autojson json_object *root = NULL;
	cvm_autopolicy struct cvm_policy *p = NULL;

	/* duplicate keys are refused by cvm_json_parse_object */
	if (cvm_json_parse_object(text, origin, &root, err) < 0)
		return -1;
	p = policy_new(origin);
	json_object_object_foreach(root, k, v)
	{
		int rc = 0, which;
		if (strcmp(k, "nonce_binding") == 0) {
			if ((which = cvm_json_enum(v, binding_names)) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s: nonce_binding must be \"raw\", \"sha256\", \"sha384\" or "
				                   "\"sha512\"",
				                   origin);
			p->nonce_binding = (enum cvm_nonce_binding)which;
		} else if (strcmp(k, "require_nonce") == 0) {
			rc = want_bool(v, "require_nonce", &p->require_nonce, origin, err);
		} else if (strcmp(k, "confidential_type") == 0) {
			if ((which = cvm_json_enum(v, conf_types)) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s: confidential_type must be \"sev-snp\", \"tdx\" or \"none\"",
				                   origin);
			p->confidential_type = conf_types[which];
		} else if (strcmp(k, "snp") == 0) {
			rc = parse_snp(v, &p->snp, origin, err);
		} else if (strcmp(k, "tdx") == 0) {
			rc = keep_section(v, "tdx", &p->tdx, origin, err);
		} else if (strcmp(k, "tpm") == 0) {
			rc = keep_section(v, "tpm", &p->tpm, origin, err);
		} else if (strcmp(k, "launch_record") == 0) {
			rc = keep_section(v, "launch_record", &p->launch_record, origin, err);
		} else {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: unknown key %s", origin, k);
		}
		if (rc < 0)
			return -1;
	}
	*out = cvm_steal_ptr(&p);
	return 0;
}

int cvm_policy_load(const char *path, struct cvm_policy **out, cvm_err *err)
{
	cvm_autofree uint8_t *text = NULL;
	size_t len = 0;
	char origin[256];

	snprintf(origin, sizeof(origin), "policy %s", path);
	if (cvm_read_file(path, POLICY_MAX_BYTES, &text, &len, err) < 0)
		return cvm_err_prefix(err, "policy: ");
	if (strlen((char *)text) != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: contains a NUL byte", origin);
	if (cvm_policy_parse((char *)text, origin, out, err) < 0)
		return -1;
	snprintf((*out)->origin, sizeof((*out)->origin), "%s", path);
	return 0;
}
