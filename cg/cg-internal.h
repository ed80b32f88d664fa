/* SPDX-License-Identifier: MIT */
/* cg/: what the drivers share.  Paths are cgroupsPath ("/keel/<id>"). */
#ifndef KEEL_CG_INTERNAL_H
#define KEEL_CG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/cg.h"

#define CG_MNT "/sys/fs/cgroup"
#define CG_UNIFIED CG_MNT "/unified"

extern const struct cg_driver cg_v1_driver, cg_v2_driver, cg_hybrid_driver;

/* cg.c */
int cg_open_kind(struct cg *cg, const char *path, const char *id, enum cg_kind kind,
		 struct err *e);
/* runc's reading: 0 leaves the limit unset, -1 (any negative for pids) is "max" */
bool cg_wants_memory(const struct spec_resources *r);
bool cg_wants_pids(const struct spec_resources *r);
/* A limit as cgroup files take it: the number, or "max" for -1 (and 0, unset). */
#define CG_LIMIT_LEN 24
const char *cg_limit(int64_t v, char buf[CG_LIMIT_LEN]);
int cg_write(const char *dir, const char *file, const char *val, struct err *e);
/* Wait up to ~2 s until a line of dir/file equals want. */
int cg_wait_line(const char *dir, const char *file, const char *want, struct err *e);
bool cg_has_line(const char *dir, const char *file, const char *want);
/* rmdir dir and the cgroups below it, leaves first; retry while EBUSY. */
int cg_rmtree(const char *dir, struct err *e);
void cg_sleep_ms(unsigned int ms);

/* v1.c: every mounted v1 hierarchy, named ones (name=systemd) included */
int v1_create(const char *path, const struct spec_resources *r, struct err *e);
int v1_enter(const char *path, pid_t pid, struct err *e);
int v1_destroy(const char *path, struct err *e);
int v1_freeze(const char *path, bool frozen, struct err *e);
bool v1_frozen(const char *path);
/* v1's driver operations that the hybrid driver shares */
int v1_drv_freeze(struct cg *cg, bool frozen, struct err *e);
bool v1_drv_frozen(struct cg *cg);
char *v1_drv_procs_dir(struct cg *cg);
/* <mount of controller><path>, malloc'd; NULL controller: pids, memory or any */
char *v1_dir(const char *controller, const char *path);

/* v2.c: mnt is CG_MNT on a v2 host, CG_UNIFIED on a hybrid one */
int v2_create(const char *mnt, const char *path, const struct spec_resources *r,
	      struct err *e);
int v2_enter(const char *mnt, const char *path, pid_t pid, struct err *e);
int v2_destroy(const char *mnt, const char *path, struct err *e);
int v2_freeze(const char *mnt, const char *path, bool frozen, struct err *e);
bool v2_has_controller(const char *mnt, const char *name);

/*
 * devices.c: linux.resources.devices, then runc's default allow list.  A
 * rule as both cgroup versions take it; access is BPF_DEVCG_ACC_* bits.
 */
struct cg_dev_rule {
	char type;		/* 'a' (resets: every device, every access), 'c', 'b' */
	bool allow;
	unsigned char access;	/* m 1, r 2, w 4 */
	int64_t major, minor;	/* -1: any */
};
struct bpf_insn;

/* The config's rules (r may be NULL), then the defaults; malloc'd. */
struct cg_dev_rule *cg_dev_rules(const struct spec_resources *r, const struct spec *s,
				 size_t *n);
/* The device program for d[0..n) into out (NULL: only count); its length. */
size_t cg_dev_prog(const struct cg_dev_rule *d, size_t n, struct bpf_insn *out);
/* Refuse rules this host cannot apply as written, before anything is made. */
int cg_devices_check(const struct spec_resources *r, enum cg_kind host, struct err *e);
/* devices_dir NULL: no v1 devices hierarchy (then there is nothing to do). */
int cg_devices_v1(const char *devices_dir, const struct spec_resources *r,
		  const struct spec *s, struct err *e);
int cg_devices_v2(const char *cgroup_dir, const struct spec_resources *r,
		  const struct spec *s, struct err *e);

#endif
