/* Landlock (DESIGN §2): which ABI this kernel offers. The ruleset itself is
 * built in the sandbox child (sandbox_int.h). */
#ifndef CVM_LANDLOCK_H
#define CVM_LANDLOCK_H

/* The Landlock ABI version (>= 1), or -errno: -ENOSYS (kernel built without
 * it), -EOPNOTSUPP (built in but disabled at boot). */
int cvm_landlock_abi(void);

#endif
