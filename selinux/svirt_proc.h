/* The guest process side of sVirt: the label to exec with, the labels new
 * files/sockets get, and the check that the guest really runs in its label. */
#ifndef CVM_SVIRT_PROC_H
#define CVM_SVIRT_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "cvm_err.h"

/* Set (or, with NULL, reset) the labels this thread gives to the files it
 * creates and to the sockets it creates (setfscreatecon_raw and
 * setsockcreatecon_raw). They are per-thread: call around the code that
 * creates the tenant's sockets, and reset afterwards. */
int cvm_svirt_create_contexts(const char *file_context, const char *socket_context, cvm_err *err);

/* Every thread of @pid (@proc_root/PID/task/ * /attr/current) must carry
 * exactly @expected; anything else is CVM_EXIT_SANDBOX naming the thread and
 * its label. @seen receives the label found (for the launch record). */
int cvm_svirt_verify_process(const char *proc_root, pid_t pid, const char *expected, char *seen, size_t seen_len,
                             cvm_err *err);

#endif
