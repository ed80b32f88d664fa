/* SPDX-License-Identifier: MIT */
/* seccomp/: shared between sc.c (check, load) and build.c (filter). */
#ifndef KEEL_SECCOMP_SC_INTERNAL_H
#define KEEL_SECCOMP_SC_INTERNAL_H

#include <seccomp.h>
#include <stdint.h>

#include "lib/cleanup.h"
#include "lib/err.h"
#include "spec/spec.h"

/* libseccomp 2.6 added SCMP_FLTATR_CTL_WAITKILL; 2.5.x has no macro for it. */
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define SC_HAVE_WAITKILL 1
#else
#define SC_HAVE_WAITKILL 0
#endif

/* Number of syscall arguments the kernel hands to a filter. */
#define SC_MAX_ARGS 6

static inline void sc_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

#define _cleanup_scmp_ _cleanup_(sc_releasep)

/* OCI action -> SCMP_ACT_*; -EINVAL for an out-of-range action. */
int sc_action(enum spec_sc_action a, bool has_errno, unsigned int errno_ret, uint32_t *out);
/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64; 0 if libseccomp does not know it. */
uint32_t sc_arch(const char *oci_name);
/*
 * "SECCOMP_FILTER_FLAG_LOG" -> SCMP_FLTATR_CTL_LOG in *attr.  -ENOENT for an
 * unknown flag, -EOPNOTSUPP for a known one this libseccomp cannot set.
 */
int sc_flag(const char *name, int *attr);

/* Build the whole filter in memory, without loading it. */
int sc_build(const struct spec_seccomp *s, scmp_filter_ctx *out, struct err *e);

#endif
