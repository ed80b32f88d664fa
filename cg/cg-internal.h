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
/* Does r ask for anything a cgroup must apply (runc's reading: 0 is unset)? */
bool cg_wants_any(const struct spec_resources *r);
/*
 * Walk the fields r sets (i from 0): the controller each needs on v1 and
 * on v2 (NULL: not on v2) and its JSON path under linux.resources.
 */
bool cg_field(const struct spec_resources *r, size_t *i, const char **v1, const char **v2,
	      const char **path);
int cg_write(const char *dir, const char *file, const char *val, struct err *e);
/* Wait up to ~2 s until a line of dir/file equals want. */
int cg_wait_line(const char *dir, const char *file, const char *want, struct err *e);
bool cg_has_line(const char *dir, const char *file, const char *want);
/* A cgroup file's first number; -1 for "max", false if unreadable. */
bool cg_read_num(const char *dir, const char *file, int64_t *v);
/* rmdir dir and the cgroups below it, leaves first; retry while EBUSY. */
int cg_rmtree(const char *dir, struct err *e);
void cg_sleep_ms(unsigned int ms);

/*
 * conv.c: runc's and crun's conversions of runtime-spec (v1-shaped) values
 * to cgroup v2 files; pure, unit-tested, formulas in docs/design.md.
 */
/* cpu.shares [2, 262144] -> cpu.weight [1, 10000], 0 stays 0 (unset) */
uint64_t cg_cpu_weight(uint64_t shares);
/* blkio weight [10, 1000] -> io.weight [1, 10000], 0 stays 0 */
uint64_t cg_io_weight(uint64_t weight);
/*
 * memory.swap (memory + swap) -> memory.swap.max (swap alone) beside
 * memory.limit: NULL and *out, or why not.  *set false: write nothing.
 */
const char *cg_swap_max(int64_t swap, int64_t limit, int64_t *out, bool *set);
/* cpu.max: "<quota> <period>", quota <= 0 is "max" */
void cg_cpu_max(char *buf, size_t len, int64_t quota, uint64_t period);

/* res.c: write every resource of r (but devices) into the container's cgroup */
struct cg_res {
	const char *path;	/* cgroupsPath: v1 looks up one directory per controller */
	const char *dir;	/* v2: the cgroup's directory; NULL on v1 */
	bool update;		/* keel update: merge with what the files hold */
};
int cg_res_set(const struct cg_res *x, const struct spec_resources *r, struct err *e);
/* v2: the controller a unified key belongs to ("memory.max" -> "memory"); NULL: none */
const char *cg_unified_ctl(const char *key, char buf[32]);

/* v1.c: every mounted v1 hierarchy, named ones (name=systemd) included */
int v1_create(const char *path, const struct spec_resources *r, struct err *e);
int v1_update(const char *path, const struct spec_resources *r, struct err *e);
int v1_enter(const char *path, pid_t pid, struct err *e);
int v1_destroy(const struct cg *cg, struct err *e);
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
int v2_update(const char *mnt, const char *path, const struct spec_resources *r,
	      struct err *e);
int v2_enter(const char *mnt, const char *path, pid_t pid, struct err *e);
int v2_destroy(const char *mnt, const struct cg *cg, struct err *e);
/* cg_destroy() of one directory, by cg->made and cg->alone */
int cg_remove(const struct cg *cg, const char *dir, struct err *e);
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
