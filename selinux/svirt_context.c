/* Composition of the sVirt contexts. The policy ships its base contexts in
 * two small files; we only ever change their MLS range, through libselinux's
 * context_* API, so a policy with another user/role/type keeps working. */
#include "svirt_context.h"

#include <errno.h>
#include <selinux/context.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

static void context_freep(context_t *c)
{
	if (*c)
		context_free(*c);
}
#define cvm_autocontext __attribute__((cleanup(context_freep)))

/* Line @idx (0-based) of @text, trimmed, into @buf; "" when absent. */
static void nth_line(const char *text, int idx, char *buf, size_t len)
{
	const char *p = text;

	buf[0] = '\0';
	for (int i = 0; p && i < idx; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, "\n");
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n >= len)
		n = len - 1; /* over-long: caught by the context check below */
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* @base with its range replaced by its own low sensitivity, plus ":cA,cB"
 * when @pair is given. */
static int with_range(const char *base, const struct cvm_mcs_pair *pair, const char *origin, char *out, cvm_err *err)
{
	cvm_autocontext context_t c = context_new(base);
	char range[64], cats[32];

	if (!c)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, errno, "%s: \"%s\" is not a context", origin, base);
	const char *r = context_range_get(c);
	if (!r || r[0] != 's')
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: \"%s\" has no MLS range (sVirt needs an MCS policy)",
		                   origin, base);
	size_t sl = strcspn(r, ":-");
	if (sl >= sizeof(range) - sizeof(cats))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: bad range in \"%s\"", origin, base);
	memcpy(range, r, sl);
	range[sl] = '\0';
	if (pair) {
		if (pair->lo >= pair->hi || cvm_mcs_format(pair, cats, sizeof(cats)) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bad MCS pair c%u,c%u", pair->lo, pair->hi);
		strcat(range, ":");
		strcat(range, cats);
	}
	if (context_range_set(c, range) != 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s: set range %s", origin, range);
	const char *s = context_str(c);
	if (!s || strlen(s) >= CVM_SVIRT_CTX_MAX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: context too long", origin);
	strcpy(out, s);
	return 0;
}

/* Check that @ctx parses and has a range; copy it verbatim. */
static int as_is(const char *ctx, const char *origin, char *out, cvm_err *err)
{
	cvm_autocontext context_t c = context_new(ctx);

	if (!c || !context_range_get(c))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: \"%s\" is not an MCS context", origin, ctx);
	if (strlen(ctx) >= CVM_SVIRT_CTX_MAX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: context too long", origin);
	strcpy(out, ctx);
	return 0;
}

int cvm_svirt_contexts_compose(const char *domain_text, const char *image_text, const struct cvm_mcs_pair *pair,
                               struct cvm_svirt_contexts *out, cvm_err *err)
{
	char dom[CVM_SVIRT_CTX_MAX], dom_tcg[CVM_SVIRT_CTX_MAX];
	char img[CVM_SVIRT_CTX_MAX], content[CVM_SVIRT_CTX_MAX];
	struct cvm_svirt_contexts c = {0};

	nth_line(domain_text, 0, dom, sizeof(dom));
	nth_line(domain_text, 1, dom_tcg, sizeof(dom_tcg));
	nth_line(image_text, 0, img, sizeof(img));
	nth_line(image_text, 1, content, sizeof(content));
	if (!dom[0])
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "virtual_domain_context: no domain context on line 1");
	if (!img[0])
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "virtual_image_context: no image context on line 1");
	if (!content[0])
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "virtual_image_context: no read-only content context on line 2");
	if (with_range(dom, pair, "virtual_domain_context", c.process, err) < 0 ||
	    with_range(img, pair, "virtual_image_context", c.image, err) < 0 ||
	    with_range(img, NULL, "virtual_image_context", c.shared, err) < 0 ||
	    as_is(content, "virtual_image_context line 2", c.content, err) < 0)
		return -1;
	if (dom_tcg[0]) {
		if (with_range(dom_tcg, pair, "virtual_domain_context line 2", c.process_tcg, err) < 0)
			return -1;
		c.has_tcg_domain = true;
	} else {
		strcpy(c.process_tcg, c.process);
	}
	*out = c;
	return 0;
}

static int read_text(const char *path, char **out, cvm_err *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	if (!path)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "libselinux names no virt context file");
	if (cvm_read_file(path, 64 * 1024, &buf, &len, err) < 0)
		return cvm_err_prefix(err, "sVirt contexts: ");
	*out = (char *)buf;
	return 0;
}

int cvm_svirt_contexts_load(const struct cvm_mcs_pair *pair, struct cvm_svirt_contexts *out, cvm_err *err)
{
	cvm_autofree char *dom = NULL;
	cvm_autofree char *img = NULL;

	if (read_text(selinux_virtual_domain_context_path(), &dom, err) < 0 ||
	    read_text(selinux_virtual_image_context_path(), &img, err) < 0)
		return -1;
	return cvm_svirt_contexts_compose(dom, img, pair, out, err);
}

const char *cvm_svirt_process_context(const struct cvm_svirt_contexts *c, const char *accel)
{
	return accel && strcmp(accel, "tcg") == 0 ? c->process_tcg : c->process;
}
