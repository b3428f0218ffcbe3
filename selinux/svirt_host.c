/* Host SELinux state for probe and for the `selinux: auto|require|off`
 * decision, which must be made before anything on the host changes. */
#include "svirt_host.h"

#include <json-c/json.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

/* Truncating copy: every field here is informational or checked elsewhere. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = src ? strnlen(src, len - 1) : 0;

	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void cvm_svirt_host_set_contexts(struct cvm_svirt_host *h, const char *domain_text, const char *image_text)
{
	struct cvm_svirt_contexts c;
	cvm_err err = {0};

	h->contexts_present = false;
	if (!domain_text || !image_text) {
		copy(h->why, sizeof(h->why), "the policy has no virtual_domain_context/virtual_image_context");
		return;
	}
	/* Composing with a sample pair proves every line is usable. */
	struct cvm_mcs_pair probe = {.lo = 0, .hi = 1};
	if (cvm_svirt_contexts_compose(domain_text, image_text, &probe, &c, &err) < 0) {
		copy(h->why, sizeof(h->why), err.msg);
		return;
	}
	/* Report the base lines as the policy ships them. */
	char line[CVM_SVIRT_CTX_MAX];
	size_t n = strcspn(domain_text, "\n");
	snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), domain_text);
	copy(h->domain_context, sizeof(h->domain_context), line);
	n = strcspn(image_text, "\n");
	snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), image_text);
	copy(h->image_context, sizeof(h->image_context), line);
	copy(h->content_context, sizeof(h->content_context), c.content);
	if (c.has_tcg_domain) {
		const char *l2 = strchr(domain_text, '\n') + 1;
		n = strcspn(l2, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), l2);
		copy(h->tcg_context, sizeof(h->tcg_context), line);
	}
	h->contexts_present = true;
}

static char *slurp(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err err = {0};

	if (!path || cvm_read_file(path, 64 * 1024, &buf, &len, &err) < 0)
		return NULL;
	return (char *)buf;
}

void cvm_svirt_host_probe(struct cvm_svirt_host *h)
{
	memset(h, 0, sizeof(*h));
	h->enabled = is_selinux_enabled() > 0;
	if (!h->enabled) {
		copy(h->why, sizeof(h->why), "SELinux is not enabled in the running kernel");
		return;
	}
	h->enforcing = security_getenforce() == 1;
	h->mls = is_selinux_mls_enabled() > 0;
	char *type = NULL;
	if (selinux_getpolicytype(&type) == 0) {
		copy(h->policy_type, sizeof(h->policy_type), type);
		free(type);
	}
	cvm_autofree char *dom = slurp(selinux_virtual_domain_context_path());
	cvm_autofree char *img = slurp(selinux_virtual_image_context_path());
	cvm_svirt_host_set_contexts(h, dom, img);
	if (h->contexts_present && !h->mls) {
		h->contexts_present = false;
		copy(h->why, sizeof(h->why), "the loaded policy is not MLS/MCS");
	}
	/* The policy file may name a type the loaded policy lacks. */
	if (h->contexts_present && security_check_context_raw(h->domain_context) < 0) {
		h->contexts_present = false;
		copy(h->why, sizeof(h->why), "the loaded policy rejects the virtual_domain_context type");
	}
}

int cvm_svirt_mode_parse(const char *s, enum cvm_svirt_mode *out)
{
	static const char *const names[] = {"auto", "require", "off"};

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum cvm_svirt_mode)i;
			return 0;
		}
	return -1;
}

const char *cvm_svirt_mode_name(enum cvm_svirt_mode m)
{
	switch (m) {
	case CVM_SVIRT_MODE_AUTO:
		return "auto";
	case CVM_SVIRT_MODE_REQUIRE:
		return "require";
	case CVM_SVIRT_MODE_OFF:
		return "off";
	default:
		return "?";
	}
}

const char *cvm_svirt_decision_name(enum cvm_svirt_decision d)
{
	switch (d) {
	case CVM_SVIRT_USE:
		return "labeled";
	case CVM_SVIRT_UNAVAILABLE:
		return "unavailable";
	case CVM_SVIRT_DISABLED:
		return "off";
	default:
		return "?";
	}
}

const char *cvm_svirt_host_state(const struct cvm_svirt_host *h)
{
	return !h->enabled ? "disabled" : h->enforcing ? "enforcing" : "permissive";
}

static bool usable(const struct cvm_svirt_host *h)
{
	return h->enabled && h->mls && h->contexts_present;
}

int cvm_svirt_decide(enum cvm_svirt_mode mode, const struct cvm_svirt_host *h, bool allow_permissive,
                     enum cvm_svirt_decision *out, cvm_err *err)
{
	switch (mode) {
	case CVM_SVIRT_MODE_OFF:
		*out = CVM_SVIRT_DISABLED;
		return 0;
	case CVM_SVIRT_MODE_AUTO:
		*out = usable(h) ? CVM_SVIRT_USE : CVM_SVIRT_UNAVAILABLE;
		return 0;
	case CVM_SVIRT_MODE_REQUIRE:
		if (!usable(h))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "selinux: require, but this host cannot confine guests: %s",
			                   h->why[0] ? h->why : "SELinux unusable");
		if (!h->enforcing && !allow_permissive)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "selinux: require, but SELinux is permissive (set "
			                   "selinux_allow_permissive in the host config to accept that)");
		*out = CVM_SVIRT_USE;
		return 0;
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "selinux: unknown mode %d", (int)mode);
	}
}

struct json_object *cvm_svirt_host_json(const struct cvm_svirt_host *h)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "enabled", json_object_new_boolean(h->enabled));
	json_object_object_add(o, "mode", json_object_new_string(cvm_svirt_host_state(h)));
	json_object_object_add(o, "mls", json_object_new_boolean(h->mls));
	json_object_object_add(o, "policy_type", json_object_new_string(h->policy_type));
	json_object_object_add(o, "virt_contexts", json_object_new_boolean(h->contexts_present));
	json_object_object_add(o, "domain_context", json_object_new_string(h->domain_context));
	json_object_object_add(o, "tcg_domain_context", json_object_new_string(h->tcg_context));
	json_object_object_add(o, "image_context", json_object_new_string(h->image_context));
	json_object_object_add(o, "content_context", json_object_new_string(h->content_context));
	json_object_object_add(o, "svirt_usable", json_object_new_boolean(usable(h)));
	json_object_object_add(o, "reason", json_object_new_string(h->why));
	return o;
}

void cvm_svirt_host_print(FILE *f, const struct cvm_svirt_host *h)
{
	fprintf(f, "selinux: %s", cvm_svirt_host_state(h));
	if (h->enabled)
		fprintf(f, ", policy %s%s", h->policy_type[0] ? h->policy_type : "?",
		        h->mls ? " (MLS/MCS)" : " (not MLS)");
	fprintf(f, "\n");
	if (h->contexts_present) {
		fprintf(f, "  guest domain: %s\n", h->domain_context);
		if (h->tcg_context[0])
			fprintf(f, "  TCG domain:   %s\n", h->tcg_context);
		fprintf(f, "  image:        %s\n  content:      %s\n", h->image_context, h->content_context);
	}
	fprintf(f, "  sVirt: %s%s%s\n", usable(h) ? "usable" : "unusable", h->why[0] ? ": " : "", h->why);
}
