/* The policy half of SNP verification: pure comparisons of report fields
 * with struct cvm_policy, one named check each. Whatever the policy leaves
 * open is said plainly with an INFO check, so a reader of the output knows
 * what an "accepted" did not cover. */
#include "snp_verify.h"

#include <string.h>

#include "cvm_fileio.h"

static const char *origin(const struct cvm_policy *p)
{
	return p->is_default ? "the built-in default policy" : p->origin;
}

static void check_flags(const struct cvm_snp_report *r, const struct cvm_policy *p, struct cvm_verdict *v)
{
	uint64_t named = 0, bad, missing;
	char set[160], list[160];

	for (const struct cvm_snp_policy_bit *b = cvm_snp_policy_bits; b->name; b++)
		named |= b->mask;
	bad = r->policy & named & ~p->snp.allowed_bits;
	missing = p->snp.required_bits & ~r->policy;
	cvm_snp_policy_bits_str(r->policy, set, sizeof(set));
	if (bad) {
		cvm_snp_policy_bits_str(bad, list, sizeof(list));
		cvm_verdict_add(v, "snp.guest_policy", CVM_CHECK_FAIL, "guest policy 0x%llx sets %s, not allowed by %s",
		                (unsigned long long)r->policy, list, origin(p));
	} else if (missing) {
		cvm_snp_policy_bits_str(missing, list, sizeof(list));
		cvm_verdict_add(v, "snp.guest_policy", CVM_CHECK_FAIL, "guest policy 0x%llx lacks %s, required by %s",
		                (unsigned long long)r->policy, list, origin(p));
	} else {
		cvm_verdict_add(v, "snp.guest_policy", CVM_CHECK_PASS, "guest policy 0x%llx (flags: %s; debug %s)",
		                (unsigned long long)r->policy, set, r->policy & CVM_SNP_POL_DEBUG ? "allowed" : "off");
	}
}

static void check_tcb_min(const char *name, const char *field, uint64_t raw, enum cvm_snp_product product,
                          const struct cvm_policy_tcb *min, struct cvm_verdict *v)
{
	struct cvm_snp_tcb t;
	char now[64];
	static const char *const names[] = {"fmc", "bl", "tee", "snp", "ucode"};
	const int want[] = {min->fmc, min->bl, min->tee, min->snp, min->ucode};

	cvm_snp_tcb_decode(raw, product, &t);
	cvm_snp_tcb_str(&t, now, sizeof(now));
	if (!min->set) {
		cvm_verdict_add(v, name, CVM_CHECK_INFO, "no minimum pinned by policy (%s %s)", field, now);
		return;
	}
	/* fmc exists on Turin only; elsewhere a minimum fmc has nothing to bind */
	const int have[] = {t.has_fmc ? t.fmc : -1, t.bl, t.tee, t.snp, t.ucode};
	for (size_t i = 0; i < 5; i++) {
		if (want[i] < 0 || have[i] < 0)
			continue;
		if (have[i] < want[i]) {
			cvm_verdict_add(v, name, CVM_CHECK_FAIL, "%s %s is %d, below the policy minimum %d (%s)", field,
			                names[i], have[i], want[i], now);
			return;
		}
	}
	cvm_verdict_add(v, name, CVM_CHECK_PASS, "%s %s meets the policy minimum", field, now);
}

static void check_digest(const char *name, const char *what, const uint8_t *have, size_t len, const uint8_t (*list)[48],
                         size_t n, struct cvm_verdict *v)
{
	char hex[97];

	cvm_hex_encode(have, len, hex);
	if (n == 0) {
		cvm_verdict_add(v, name, CVM_CHECK_INFO, "%s not pinned by policy (%s)", what, hex);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (memcmp(list[i], have, len) == 0) {
			cvm_verdict_add(v, name, CVM_CHECK_PASS, "%s matches policy entry %zu", what, i + 1);
			return;
		}
	}
	cvm_verdict_add(v, name, CVM_CHECK_FAIL, "%s %s is not one of the %zu the policy allows", what, hex, n);
}

static void check_nonce(const struct cvm_snp_report *r, const struct cvm_snp_input *in, struct cvm_verdict *v)
{
	const struct cvm_policy *p = in->policy;
	uint8_t want[64];

	if (!in->nonce) {
		cvm_verdict_add(v, "snp.report_data", p->require_nonce ? CVM_CHECK_ERROR : CVM_CHECK_INFO,
		                "no --nonce given: report_data not checked, freshness not proven%s",
		                p->require_nonce ? " (the policy requires a nonce)" : "");
		return;
	}
	if (cvm_nonce_expected(p->nonce_binding, in->nonce, in->nonce_len, want) < 0) {
		cvm_verdict_add(v, "snp.report_data", CVM_CHECK_ERROR,
		                "a %zu-byte nonce cannot be bound %s (max 64 bytes)", in->nonce_len,
		                cvm_nonce_binding_name(p->nonce_binding));
		return;
	}
	if (memcmp(want, r->report_data, 64) != 0)
		cvm_verdict_add(v, "snp.report_data", CVM_CHECK_FAIL,
		                "report_data does not bind the nonce (binding %s)",
		                cvm_nonce_binding_name(p->nonce_binding));
	else
		cvm_verdict_add(v, "snp.report_data", CVM_CHECK_PASS,
		                "report_data binds the %zu-byte nonce (binding %s)", in->nonce_len,
		                cvm_nonce_binding_name(p->nonce_binding));
}

void cvm_snp_policy_eval(const struct cvm_snp_report *r, enum cvm_snp_product product, const struct cvm_snp_input *in,
                         struct cvm_verdict *v)
{
	const struct cvm_policy *p = in->policy;
	const struct cvm_policy_snp *s = &p->snp;
	char hex[97];

	if (p->confidential_type)
		cvm_verdict_add(v, "policy.confidential_type",
		                strcmp(p->confidential_type, "sev-snp") == 0 ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
		                "policy requires %s evidence, got SEV-SNP", p->confidential_type);
	check_flags(r, p, v);
	if ((r->signing_key == CVM_SNP_SIGNER_VCEK && !s->allow_vcek) ||
	    (r->signing_key == CVM_SNP_SIGNER_VLEK && !s->allow_vlek))
		cvm_verdict_add(v, "snp.signer.allowed", CVM_CHECK_FAIL, "policy does not accept %s-signed reports",
		                r->signing_key == CVM_SNP_SIGNER_VCEK ? "VCEK" : "VLEK");
	if (s->vmpl < 0)
		cvm_verdict_add(v, "snp.vmpl", CVM_CHECK_INFO, "VMPL %u not pinned by policy", r->vmpl);
	else
		cvm_verdict_add(v, "snp.vmpl", (int)r->vmpl == s->vmpl ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
		                "VMPL %u, policy requires %d", r->vmpl, s->vmpl);
	if (!s->has_min_guest_svn)
		cvm_verdict_add(v, "snp.guest_svn", CVM_CHECK_INFO, "GUEST_SVN %u: no minimum pinned by policy",
		                r->guest_svn);
	else
		cvm_verdict_add(v, "snp.guest_svn", r->guest_svn >= s->min_guest_svn ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
		                "GUEST_SVN %u, policy minimum %u", r->guest_svn, s->min_guest_svn);
	check_tcb_min("snp.tcb.minimum", "REPORTED_TCB", r->reported_tcb, product, &s->min_tcb, v);
	check_tcb_min("snp.tcb.launch_minimum", "LAUNCH_TCB", r->launch_tcb, product, &s->min_launch_tcb, v);
	check_digest("snp.measurement", "measurement", r->measurement, 48, s->measurements, s->n_measurements, v);
	cvm_hex_encode(r->host_data, 32, hex);
	if (!s->has_host_data)
		cvm_verdict_add(v, "snp.host_data", CVM_CHECK_INFO, "host_data not pinned by policy (%s)", hex);
	else
		cvm_verdict_add(v, "snp.host_data",
		                memcmp(r->host_data, s->host_data, 32) == 0 ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
		                "host_data %s %s the policy", hex,
		                memcmp(r->host_data, s->host_data, 32) == 0 ? "matches" : "differs from");
	check_digest("snp.id_key_digest", "ID key digest", r->id_key_digest, 48, s->id_key_digests, s->n_id_key_digests,
	             v);
	if (s->n_author_key_digests && !r->author_key_en)
		cvm_verdict_add(v, "snp.author_key_digest", CVM_CHECK_FAIL,
		                "policy pins an author key but the report has AUTHOR_KEY_EN clear");
	else
		check_digest("snp.author_key_digest", "author key digest", r->author_key_digest, 48,
		             s->author_key_digests, s->n_author_key_digests, v);
	check_nonce(r, in, v);
}
