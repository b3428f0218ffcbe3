/* The launch record (DESIGN §5): what the launcher actually did for one
 * launch, written atomically to <tenant state dir>/record.json. The TPM
 * evidence chain hashes these exact bytes. */
#ifndef CVM_RECORD_H
#define CVM_RECORD_H

#include <limits.h>
#include <stdbool.h>

#include "cvm_argv.h"
#include "cvm_err.h"
#include "hostcfg.h"
#include "launch_prepare.h"
#include "state.h"

struct json_object;

/* Layer results filled in by the code that applied (and verified) each layer. */
struct cvm_record_layers {
	struct json_object *selinux;   /* owned; NULL = {"state":"off"} */
	/* owned; its keys are merged into the record's top level: "seccomp",
	 * "landlock", "namespaces", "no_new_privs", "capabilities",
	 * "sandbox_verified", ... (absent = {"sandbox_verified": false}) */
	struct json_object *sandbox;
	struct json_object *confidential; /* owned; NULL = {"type":"none"} */
};

/* Free whatever cvm_record_write did not take (it takes all three). */
void cvm_record_layers_free(struct cvm_record_layers *l);

int cvm_record_write(const struct cvm_hostcfg *cfg, const struct cvm_prepared *p,
		     const struct cvm_tenant_state *st, const struct cvm_argv *argv,
		     struct cvm_record_layers *layers, char *path_out, size_t path_len, cvm_err *err);

#endif
