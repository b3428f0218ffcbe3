#include "attest_util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"

#define CERT_FILE_MAX (1u << 20)

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cvm_attest_parse_time(const char *s, time_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	const char *p = s;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' || digits(&p, 2, &d) < 0)
		return -1;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0 || *p++ != ':' ||
		    digits(&p, 2, &sec) < 0)
			return -1;
		if (*p == '.') /* fractional seconds: accepted, ignored */
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0 || oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		} else {
			return -1; /* a time without a zone is ambiguous */
		}
	}
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - off;
	return 0;
}

void cvm_attest_format_time(time_t t, char out[32])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "@%lld", (long long)t);
}

static bool looks_pem(const uint8_t *buf, size_t len)
{
	static const char tag[] = "-----BEGIN ";

	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++)
		if (memcmp(buf + i, tag, sizeof(tag) - 1) == 0)
			return true;
	return false;
}

int cvm_x509_load_buf(const uint8_t *buf, size_t len, const char *origin, STACK_OF(X509) * stack, cvm_err *err)
{
	int added = 0;

	if (len > INT32_MAX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: too large", origin);
	if (!looks_pem(buf, len)) {
		const unsigned char *p = buf;
		X509 *x = d2i_X509(NULL, &p, (long)len);
		if (!x || p != buf + len) {
			X509_free(x);
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: not a DER or PEM X.509 certificate", origin);
		}
		if (!sk_X509_push(stack, x)) {
			X509_free(x);
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: out of memory", origin);
		}
		return 0;
	}
	cvm_auto_bio BIO *bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: out of memory", origin);
	for (;;) {
		X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!x)
			break;
		if (!sk_X509_push(stack, x)) {
			X509_free(x);
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: out of memory", origin);
		}
		added++;
	}
	/* PEM_read stops with "no start line" at the end; anything else is a
	 * corrupt block, which must not pass silently. */
	unsigned long e = ERR_peek_last_error();
	ERR_clear_error();
	if (e && !(ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: bad PEM certificate after %d good ones", origin,
		                   added);
	if (!added)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: no certificate found", origin);
	return 0;
}

int cvm_x509_load_file(const char *path, STACK_OF(X509) * stack, cvm_err *err)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;

	if (cvm_read_file(path, CERT_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	return cvm_x509_load_buf(buf, len, path, stack, err);
}

int cvm_x509_crl_load_buf(const uint8_t *buf, size_t len, const char *origin, X509_CRL **out, cvm_err *err)
{
	X509_CRL *crl = NULL;

	if (len > INT32_MAX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: too large", origin);
	if (looks_pem(buf, len)) {
		cvm_auto_bio BIO *bio = BIO_new_mem_buf(buf, (int)len);
		if (bio)
			crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	} else {
		const unsigned char *p = buf;
		crl = d2i_X509_CRL(NULL, &p, (long)len);
		if (crl && p != buf + len) {
			X509_CRL_free(crl);
			crl = NULL;
		}
	}
	ERR_clear_error();
	if (!crl)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: not a DER or PEM X.509 CRL", origin);
	*out = crl;
	return 0;
}

int cvm_x509_crl_load_file(const char *path, X509_CRL **out, cvm_err *err)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;

	if (cvm_read_file(path, CERT_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	return cvm_x509_crl_load_buf(buf, len, path, out, err);
}

void cvm_x509_cn(const X509_NAME *name, char *out, size_t size)
{
	int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	const ASN1_STRING *s;
	int n;

	out[0] = '\0';
	if (idx < 0)
		return;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
	n = ASN1_STRING_length(s);
	if (n < 0)
		return;
	if ((size_t)n >= size)
		n = (int)size - 1;
	memcpy(out, ASN1_STRING_get0_data(s), (size_t)n);
	out[n] = '\0';
	for (int i = 0; i < n; i++) /* names go into one-line output */
		if (!isprint((unsigned char)out[i]))
			out[i] = '?';
}

int cvm_x509_sha256(X509 *x, uint8_t out[32])
{
	unsigned int len = 32;

	return X509_digest(x, EVP_sha256(), out, &len) == 1 ? 0 : -1;
}
