/* QEMU arguments for a confidential guest (FORMATS.md §3): the
 * confidential-guest-support object, and for SNP the memfd RAM backend. */
#include "sev_conf.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

#define SNP_ID_BLOCK_LEN 96
#define SNP_ID_AUTH_LEN 4096

static void b64(const uint8_t *d, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, d, (int)n);
}

/* An ID block/auth file: exactly @want raw bytes, or their base64 text. The
 * result is base64 in *out (malloc'd). */
static int id_file_b64(const char *key, const char *path, size_t want, char **out, cvm_err *err)
{
	cvm_autofree uint8_t *d = NULL;
	size_t len = 0;
	if (cvm_read_file(path, 16384, &d, &len, err) < 0)
		return cvm_err_prefix(err, "confidential.%s: ", key);
	cvm_autofree char *res = malloc(4 * ((want + 2) / 3) + 1);
	if (!res)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (len != want) {
		/* base64 text: strip whitespace, decode, check the size */
		size_t n = 0;
		for (size_t i = 0; i < len; i++)
			if (!isspace(d[i]))
				d[n++] = d[i];
		cvm_autofree uint8_t *raw = malloc(n / 4 * 3 + 3);
		int got = raw && n % 4 == 0 ? EVP_DecodeBlock(raw, d, (int)n) : -1;
		size_t pad = n >= 2 ? (d[n - 1] == '=') + (d[n - 2] == '=') : 0;
		if (got < 0 || (size_t)got - pad != want)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "confidential.%s: %s is neither %zu raw bytes nor their base64", key, path,
					   want);
		b64(raw, want, res);
	} else {
		b64(d, want, res);
	}
	*out = cvm_steal_ptr(&res);
	return 0;
}

static int sev_object(const struct cvm_conf_spec *c, struct cvm_argv *args, cvm_err *err)
{
	if (!c->cbitpos || !c->reduced_phys_bits)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "confidential: cbitpos/reduced_phys_bits unknown (not in the spec, and not resolved from the host)");
	bool snp = c->type == CVM_CONF_SEV_SNP;
	char obj[8192];
	int n = snprintf(obj, sizeof(obj), "%s,id=sev0,cbitpos=%u,reduced-phys-bits=%u,policy=%#" PRIx64,
			 snp ? "sev-snp-guest" : "sev-guest", c->cbitpos, c->reduced_phys_bits, c->policy);
	if (c->kernel_hashes)
		n += snprintf(obj + n, sizeof(obj) - (size_t)n, ",kernel-hashes=on");
	if (snp && c->host_data_set) {
		char h[45];
		b64(c->host_data, 32, h);
		n += snprintf(obj + n, sizeof(obj) - (size_t)n, ",host-data=%s", h);
	}
	if (snp && c->id_block[0]) {
		cvm_autofree char *blk = NULL;
		cvm_autofree char *auth = NULL;
		if (id_file_b64("id_block", c->id_block, SNP_ID_BLOCK_LEN, &blk, err) < 0 ||
		    id_file_b64("id_auth", c->id_auth, SNP_ID_AUTH_LEN, &auth, err) < 0)
			return -1;
		n += snprintf(obj + n, sizeof(obj) - (size_t)n, ",id-block=%s,id-auth=%s%s", blk, auth,
			      c->author_key ? ",author-key-enabled=on" : "");
	}
	if (n < 0 || (size_t)n >= sizeof(obj))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "confidential: -object argument too long");
	if (cvm_argv_push(args, "-object") < 0 || cvm_argv_push(args, obj) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	return 0;
}

static struct json_object *socket_json(const char *s)
{
	struct json_object *o = json_object_new_object();
	unsigned long cid = 0, port = 0;
	char v[24];
	if (strncmp(s, "vsock:", 6) == 0 && sscanf(s + 6, "%lu:%lu", &cid, &port) == 2) {
		json_object_object_add(o, "type", json_object_new_string("vsock"));
		snprintf(v, sizeof(v), "%lu", cid);
		json_object_object_add(o, "cid", json_object_new_string(v));
		snprintf(v, sizeof(v), "%lu", port);
		json_object_object_add(o, "port", json_object_new_string(v));
	} else {
		json_object_object_add(o, "type", json_object_new_string("unix"));
		json_object_object_add(o, "path", json_object_new_string(s + 5)); /* after "unix:" */
	}
	return o;
}

/* TDX takes the JSON form of -object: the quote socket is a nested
 * SocketAddress, which the key=value form cannot express. */
static int tdx_object(const struct cvm_conf_spec *c, struct cvm_argv *args, cvm_err *err)
{
	cvm_autojson struct json_object *o = json_object_new_object();
	char m[65];
	if (!o)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	json_object_object_add(o, "qom-type", json_object_new_string("tdx-guest"));
	json_object_object_add(o, "id", json_object_new_string("tdx0"));
	json_object_object_add(o, "attributes", json_object_new_uint64(c->tdx_attributes));
	const struct {
		const char *key;
		const uint8_t *v;
		bool set;
	} mr[] = { { "mrconfigid", c->mrconfigid, c->mrconfigid_set },
		   { "mrowner", c->mrowner, c->mrowner_set },
		   { "mrownerconfig", c->mrownerconfig, c->mrownerconfig_set } };
	for (size_t i = 0; i < 3; i++) {
		if (!mr[i].set)
			continue;
		b64(mr[i].v, 48, m);
		json_object_object_add(o, mr[i].key, json_object_new_string(m));
	}
	if (c->quote_socket[0])
		json_object_object_add(o, "quote-generation-socket", socket_json(c->quote_socket));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (cvm_argv_push(args, "-object") < 0 || cvm_argv_push(args, s) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	return 0;
}

int cvm_conf_qemu_args(const struct cvm_conf_spec *c, unsigned long long memory_mib, struct cvm_argv *args,
		       char *machine_props, size_t machine_props_len, cvm_err *err)
{
	const char *props = "";
	if (machine_props_len)
		machine_props[0] = 0;
	switch (c->type) {
	case CVM_CONF_NONE:
		return 0;
	case CVM_CONF_SEV:
	case CVM_CONF_SEV_ES:
		props = ",confidential-guest-support=sev0";
		if (sev_object(c, args, err) < 0)
			return -1;
		break;
	case CVM_CONF_SEV_SNP:
		/* the memfd backend is shared with the host for the guest's
		 * shared pages; private memory comes from guest_memfd */
		props = ",confidential-guest-support=sev0,memory-backend=ram1";
		if (memory_mib == 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "memory_mib: must be > 0 for sev-snp");
		if (cvm_argv_push(args, "-object") < 0 ||
		    cvm_argv_pushf(args, "memory-backend-memfd,id=ram1,size=%lluM,share=true,reserve=false", memory_mib) < 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		if (sev_object(c, args, err) < 0)
			return -1;
		break;
	case CVM_CONF_TDX:
		props = ",confidential-guest-support=tdx0";
		if (tdx_object(c, args, err) < 0)
			return -1;
		break;
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential.type: unknown type %d", (int)c->type);
	}
	if (strlen(props) >= machine_props_len)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "machine properties buffer too small");
	strcpy(machine_props, props);
	return 0;
}
