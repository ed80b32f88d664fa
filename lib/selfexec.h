/* SPDX-License-Identifier: MIT */
#ifndef KEEL_LIB_SELFEXEC_H
#define KEEL_LIB_SELFEXEC_H

#include "lib/err.h"

/*
 * Make sure this process runs from a sealed in-memory copy of keel, so that
 * a container process that reaches /proc/<pid>/exe of a keel joining its
 * namespaces finds nothing it can write (CVE-2019-5736).  If we already run
 * from a sealed memfd, or from a read-only mount, this returns 0; otherwise
 * it copies the binary into a memfd, seals it and re-executes with the same
 * argv and environment, and only returns on failure.
 */
int selfexec_sealed(char **argv, struct err *e);

#endif
