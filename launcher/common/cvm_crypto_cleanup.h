/* Cleanup attributes for OpenSSL objects (one per type, like crun's
 * cleanup_seccomp). Include only from code that links libcrypto. */
#ifndef CVM_CRYPTO_CLEANUP_H
#define CVM_CRYPTO_CLEANUP_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define CVM_DEFINE_AUTO(name, type, freefn)                 \
	static inline void cvm_##name##_freep(type **p)       \
	{                                                     \
		if (*p)                                       \
			freefn(*p);                           \
	}

CVM_DEFINE_AUTO(evp_pkey, EVP_PKEY, EVP_PKEY_free)
CVM_DEFINE_AUTO(evp_pkey_ctx, EVP_PKEY_CTX, EVP_PKEY_CTX_free)
CVM_DEFINE_AUTO(evp_md_ctx, EVP_MD_CTX, EVP_MD_CTX_free)
CVM_DEFINE_AUTO(x509, X509, X509_free)
CVM_DEFINE_AUTO(x509_crl, X509_CRL, X509_CRL_free)
CVM_DEFINE_AUTO(x509_store, X509_STORE, X509_STORE_free)
CVM_DEFINE_AUTO(x509_store_ctx, X509_STORE_CTX, X509_STORE_CTX_free)
CVM_DEFINE_AUTO(bio, BIO, BIO_free)
CVM_DEFINE_AUTO(bn, BIGNUM, BN_free)
CVM_DEFINE_AUTO(ecdsa_sig, ECDSA_SIG, ECDSA_SIG_free)

static inline void cvm_x509_stack_freep(STACK_OF(X509) **p)
{
	if (*p)
		sk_X509_pop_free(*p, X509_free);
}

#define cvm_auto_evp_pkey __attribute__((cleanup(cvm_evp_pkey_freep)))
#define cvm_auto_evp_pkey_ctx __attribute__((cleanup(cvm_evp_pkey_ctx_freep)))
#define cvm_auto_evp_md_ctx __attribute__((cleanup(cvm_evp_md_ctx_freep)))
#define cvm_auto_x509 __attribute__((cleanup(cvm_x509_freep)))
#define cvm_auto_x509_crl __attribute__((cleanup(cvm_x509_crl_freep)))
#define cvm_auto_x509_store __attribute__((cleanup(cvm_x509_store_freep)))
#define cvm_auto_x509_store_ctx __attribute__((cleanup(cvm_x509_store_ctx_freep)))
#define cvm_auto_x509_stack __attribute__((cleanup(cvm_x509_stack_freep)))
#define cvm_auto_bio __attribute__((cleanup(cvm_bio_freep)))
#define cvm_auto_bn __attribute__((cleanup(cvm_bn_freep)))
#define cvm_auto_ecdsa_sig __attribute__((cleanup(cvm_ecdsa_sig_freep)))

#endif
