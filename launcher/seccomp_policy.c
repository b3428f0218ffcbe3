/* Seccomp policy parser (pure: text in, rules out). The compiler that turns
 * rules into BPF is in seccomp_compile.c. */
#include "seccomp_policy.h"

#include <ctype.h>
#include <errno.h>
#include <linux/sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <seccomp.h>

#include "cvm_cleanup.h"

#define LINE_MAX_LEN 1024

/* Symbolic values a policy may use. Only names whose value is fixed by the
 * x86_64 ABI; anything else is written as a number with a comment. */
struct sym {
	const char *name;
	uint64_t value;
};

#define S(x)                                                                                                           \
	{                                                                                                              \
#x, (uint64_t)(x)                                                                                      \
	}
static const struct sym symbols[] = {
    S(CLONE_VM),
    S(CLONE_FS),
    S(CLONE_FILES),
    S(CLONE_SIGHAND),
    S(CLONE_THREAD),
    S(CLONE_SYSVSEM),
    S(CLONE_SETTLS),
    S(CLONE_PARENT_SETTID),
    S(CLONE_CHILD_CLEARTID),
    S(CLONE_CHILD_SETTID),
    S(CLONE_VFORK),
    S(CLONE_PTRACE),
    S(CLONE_NEWNS),
    S(CLONE_NEWUSER),
    S(CLONE_NEWPID),
    S(CLONE_NEWNET),
    S(CLONE_NEWIPC),
    S(CLONE_NEWUTS),
    S(CLONE_NEWCGROUP),
    S(PROT_NONE),
    S(PROT_READ),
    S(PROT_WRITE),
    S(PROT_EXEC),
    S(MAP_SHARED),
    S(MAP_PRIVATE),
    S(MAP_FIXED),
    S(MAP_ANONYMOUS),
    S(AF_UNIX),
    S(AF_INET),
    S(AF_INET6),
    S(AF_NETLINK),
    S(PR_SET_NAME),
    S(PR_GET_NAME),
    S(PR_SET_NO_NEW_PRIVS),
    S(PR_GET_NO_NEW_PRIVS),
    S(PR_SET_TIMERSLACK),
    S(PR_MCE_KILL),
    S(PR_GET_DUMPABLE),
    S(PR_SET_SECCOMP),
    S(PR_GET_SECCOMP),
    S(PR_CAPBSET_READ),
    S(PR_SET_VMA),
    S(PR_GET_TIMERSLACK),
    /* ioctl type byte (bits 8..15 of the request), used with `arg1 & 0xff00 ==` */
    {"IOC_TYPE_TTY", 0x5400}, /* 'T': terminals, FIONBIO/FIOCLEX, tun/tap */
    {"IOC_TYPE_KVM", 0xae00}, /* KVMIO */
    {"IOC_TYPE_BLK", 0x1200}, /* block devices: BLKGETSIZE64, BLKSSZGET, ... */
    {"IOC_TYPE_SEV", 0x5300}, /* 'S': SEV_ISSUE_CMD on /dev/sev */
    {"IOC_TYPE_MASK", 0xff00},
};
#undef S

struct errname {
	const char *name;
	int value;
};
static const struct errname errnames[] = {
    {"ENOSYS", ENOSYS},
    {"EPERM", EPERM},
    {"EACCES", EACCES},
    {"EINVAL", EINVAL},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOTSUP", ENOTSUP},
    {"EAFNOSUPPORT", EAFNOSUPPORT},
    {"ENOTTY", ENOTTY},
    {"ENODEV", ENODEV},
};

struct cursor {
	const char *p;
	const char *origin;
	unsigned line;
	cvm_err *err;
};

__attribute__((format(printf, 2, 3))) static int perr(struct cursor *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cvm_err_set(c->err, CVM_EXIT_BADINPUT, 0, "%s:%u: %s", c->origin, c->line, msg);
}

static void skip_ws(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

/* Copy an identifier ([A-Za-z_][A-Za-z0-9_]*) into @buf; 0 if none. */
static size_t take_ident(struct cursor *c, char *buf, size_t len)
{
	size_t n = 0;

	skip_ws(c);
	if (!isalpha((unsigned char)*c->p) && *c->p != '_')
		return 0;
	while (isalnum((unsigned char)*c->p) || *c->p == '_') {
		if (n + 1 >= len)
			return 0;
		buf[n++] = *c->p++;
	}
	buf[n] = '\0';
	return n;
}

static bool match(struct cursor *c, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(c);
	if (strncmp(c->p, tok, n) != 0)
		return false;
	c->p += n;
	return true;
}

static int lookup_symbol(const char *name, uint64_t *out)
{
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		if (strcmp(symbols[i].name, name) == 0) {
			*out = symbols[i].value;
			return 0;
		}
	}
	return -1;
}

/* One term: a number or a symbol. */
static int parse_term(struct cursor *c, uint64_t *out)
{
	char name[48];

	skip_ws(c);
	if (isdigit((unsigned char)*c->p)) {
		char *end = NULL;
		errno = 0;
		unsigned long long v = strtoull(c->p, &end, 0);
		if (errno || end == c->p || isalnum((unsigned char)*end) || *end == '_')
			return perr(c, "bad number near '%.16s'", c->p);
		*out = v;
		c->p = end;
		return 0;
	}
	if (!take_ident(c, name, sizeof(name)))
		return perr(c, "expected a number or constant near '%.16s'", c->p);
	if (lookup_symbol(name, out) < 0)
		return perr(c, "unknown constant '%s'", name);
	return 0;
}

/* VALUE := term ('|' term)* ; stops before "||". */
static int parse_value(struct cursor *c, uint64_t *out)
{
	uint64_t v = 0, t = 0;

	if (parse_term(c, &t) < 0)
		return -1;
	v = t;
	for (;;) {
		skip_ws(c);
		if (c->p[0] != '|' || c->p[1] == '|')
			break;
		c->p++;
		if (parse_term(c, &t) < 0)
			return -1;
		v |= t;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *tok;
	enum cvm_scp_op op;
} ops[] = {
    /* longest first */
    {"==", CVM_SCP_EQ}, {"!=", CVM_SCP_NE}, {"<=", CVM_SCP_LE},
    {">=", CVM_SCP_GE}, {"<", CVM_SCP_LT},  {">", CVM_SCP_GT},
};

/* COND := argN (OP VALUE | '&' VALUE '==' VALUE) */
static int parse_cmp(struct cursor *c, struct cvm_scp_cmp *out)
{
	skip_ws(c);
	if (strncmp(c->p, "arg", 3) != 0 || c->p[3] < '0' || c->p[3] > '5' || isalnum((unsigned char)c->p[4]))
		return perr(c, "expected arg0..arg5 near '%.16s'", c->p);
	memset(out, 0, sizeof(*out));
	out->arg = (unsigned)(c->p[3] - '0');
	c->p += 4;
	skip_ws(c);
	if (c->p[0] == '&' && c->p[1] != '&') {
		c->p++;
		if (parse_value(c, &out->mask) < 0)
			return -1;
		if (!match(c, "=="))
			return perr(c, "expected '==' after mask near '%.16s'", c->p);
		out->op = CVM_SCP_MASKED_EQ;
		if (parse_value(c, &out->value) < 0)
			return -1;
		if ((out->value & ~out->mask) != 0)
			return perr(c, "masked value has bits outside the mask%s", "");
		return 0;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (match(c, ops[i].tok)) {
			out->op = ops[i].op;
			return parse_value(c, &out->value);
		}
	}
	return perr(c, "expected a comparison operator near '%.16s'", c->p);
}

static int push_rule(struct cvm_scp_policy *p, const struct cvm_scp_rule *r, struct cursor *c)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		if (cap > CVM_SCP_MAX_RULES)
			return perr(c, "too many rules (limit %s)", "4096");
		struct cvm_scp_rule *nr = realloc(p->rules, cap * sizeof(*nr));
		if (!nr)
			return cvm_err_set(c->err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		p->rules = nr;
		p->cap = cap;
	}
	p->rules[p->n++] = *r;
	return 0;
}

/* After "NAME:", the rest of the line: an action keyword or conditions. */
static int parse_body(struct cursor *c, struct cvm_scp_rule *base, struct cvm_scp_policy *p)
{
	const char *save = c->p;
	char word[48];

	if (take_ident(c, word, sizeof(word))) {
		if (strcmp(word, "allow") == 0 || strcmp(word, "kill") == 0) {
			base->action = word[0] == 'a' ? CVM_SCP_ALLOW : CVM_SCP_KILL;
			return push_rule(p, base, c);
		}
		if (strcmp(word, "errno") == 0) {
			char en[24];
			base->action = CVM_SCP_ERRNO;
			skip_ws(c);
			if (isdigit((unsigned char)*c->p)) {
				uint64_t v = 0;
				if (parse_term(c, &v) < 0)
					return -1;
				if (v == 0 || v > 4095)
					return perr(c, "errno out of range 1..4095%s", "");
				base->errnum = (int)v;
				return push_rule(p, base, c);
			}
			if (!take_ident(c, en, sizeof(en)))
				return perr(c, "expected an errno name near '%.16s'", c->p);
			for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++) {
				if (strcmp(errnames[i].name, en) == 0) {
					base->errnum = errnames[i].value;
					return push_rule(p, base, c);
				}
			}
			return perr(c, "unknown errno name '%s'", en);
		}
		c->p = save; /* a condition starting with argN */
	}
	do {
		struct cvm_scp_rule r = *base;
		r.action = CVM_SCP_ALLOW;
		do {
			if (r.n_cmp == CVM_SCP_MAX_CMP)
				return perr(c, "too many comparisons in one conjunction%s", "");
			if (parse_cmp(c, &r.cmp[r.n_cmp]) < 0)
				return -1;
			for (unsigned i = 0; i < r.n_cmp; i++)
				if (r.cmp[i].arg == r.cmp[r.n_cmp].arg)
					return perr(c, "argument compared twice in one conjunction%s", "");
			r.n_cmp++;
		} while (match(c, "&&"));
		if (push_rule(p, &r, c) < 0)
			return -1;
	} while (match(c, "||"));
	return 0;
}

static int parse_line(struct cursor *c, struct cvm_scp_policy *p)
{
	struct cvm_scp_rule r;
	char name[sizeof(r.name)];

	skip_ws(c);
	if (*c->p == '\0')
		return 0;
	memset(&r, 0, sizeof(r));
	r.line = c->line;
	if (!take_ident(c, name, sizeof(name)))
		return perr(c, "expected a syscall name near '%.16s'", c->p);
	r.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
	if (r.nr < 0)
		return perr(c, "unknown syscall '%s' on x86_64", name);
	memcpy(r.name, name, sizeof(r.name));
	skip_ws(c);
	if (*c->p == '\0') {
		r.action = CVM_SCP_ALLOW;
		return push_rule(p, &r, c);
	}
	if (*c->p != ':')
		return perr(c, "expected ':' or end of line near '%.16s'", c->p);
	c->p++;
	if (parse_body(c, &r, p) < 0)
		return -1;
	skip_ws(c);
	if (*c->p != '\0')
		return perr(c, "trailing text '%.16s'", c->p);
	return 0;
}

/* A syscall may carry several allow rules, or one deny rule, never both, and
 * an unconditional allow makes conditional ones meaningless (libseccomp would
 * reject the mix too, less clearly). */
static int check_consistency(const struct cvm_scp_policy *p, const char *origin, cvm_err *err)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = 0; j < i; j++) {
			const struct cvm_scp_rule *a = &p->rules[j], *b = &p->rules[i];
			if (a->nr != b->nr)
				continue;
			if (a->action != CVM_SCP_ALLOW || b->action != CVM_SCP_ALLOW)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s:%u: %s already has a rule on line %u",
				                   origin, b->line, b->name, a->line);
			if (a->n_cmp == 0 || b->n_cmp == 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s:%u: %s is allowed unconditionally on line %u and "
				                   "conditionally on line %u",
				                   origin, b->line, b->name, a->n_cmp == 0 ? a->line : b->line,
				                   a->n_cmp == 0 ? b->line : a->line);
		}
	}
	return 0;
}

int cvm_scp_parse(const char *text, size_t len, const char *origin, struct cvm_scp_policy *out, cvm_err *err)
{
	struct cvm_scp_policy p = {0};
	char buf[LINE_MAX_LEN + 1];
	size_t pos = 0;
	unsigned line = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		line++;
		if (end - pos > LINE_MAX_LEN) {
			cvm_scp_policy_free(&p);
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s:%u: line too long", origin, line);
		}
		size_t linelen = end - pos;
		memcpy(buf, text + pos, linelen);
		buf[linelen] = '\0';
		pos = end + 1;
		if (memchr(buf, '\0', linelen) != NULL) {
			cvm_scp_policy_free(&p);
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s:%u: NUL byte in line", origin, line);
		}
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		size_t bl = strlen(buf);
		while (bl > 0 && (buf[bl - 1] == ' ' || buf[bl - 1] == '\t' || buf[bl - 1] == '\r'))
			buf[--bl] = '\0';
		struct cursor c = {.p = buf, .origin = origin, .line = line, .err = err};
		if (parse_line(&c, &p) < 0) {
			cvm_scp_policy_free(&p);
			return -1;
		}
	}
	if (check_consistency(&p, origin, err) < 0) {
		cvm_scp_policy_free(&p);
		return -1;
	}
	*out = p; /* ownership transferred */
	return 0;
}

void cvm_scp_policy_free(struct cvm_scp_policy *p)
{
	free(p->rules);
	memset(p, 0, sizeof(*p));
}
