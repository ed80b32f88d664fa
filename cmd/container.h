/* SPDX-License-Identifier: MIT */
/*
 * A container's on-disk state under <root>/<id>/:
 *   state.json  pid, its start time, bundle, rootfs, created, owner,
 *               cgroupsPath: written atomically once init is ready
 *   config.json the bundle's config as it was at create (as crun keeps it)
 *   exec.fifo   exists from create until start
 *   exec.done   init writes "0" when start releases it, an error if it
 *               fails before execve; start reads it to EOF (see ns_start)
 *   cgroup.made keel made the container's cgroup (or a sibling container in
 *               the same --root did): written before the mkdir, so that a
 *               create killed midway is undone as far as it went, and
 *               only then.  Without it the cgroup is the host's or a
 *               client's: keel kills only the container's processes in it
 *               and never removes it.
 * The directory existing without "state" means create is (or died) midway.
 */
#ifndef KEEL_CMD_CONTAINER_H
#define KEEL_CMD_CONTAINER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cg/cg.h"
#include "lib/err.h"
#include "spec/spec.h"

enum ctr_status { CTR_CREATING, CTR_CREATED, CTR_RUNNING, CTR_PAUSED, CTR_STOPPED };

struct container {
	char id[256];
	char dir[PATH_MAX];
	pid_t pid;
	unsigned long long start_time;	/* of pid, to tell a reused pid apart */
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char created[64];		/* RFC 3339, UTC */
	uid_t owner;
	char cgroup[PATH_MAX];		/* cgroupsPath as resolved at create */
	bool cg_made;			/* <dir>/cgroup.made is there */
	/* init's pid and mount namespaces (inodes); 0: keel's own, or unknown */
	unsigned long long pidns, mntns;
	bool has_state;
	int lock_fd;			/* held by ctr_lock(), -1 otherwise */
};

int ctr_check_id(const char *id, struct err *e);
/* Fill c->dir from root and id (no I/O). */
int ctr_init(struct container *c, const char *root, const char *id, struct err *e);
/* Load state; -ENOENT with 'container "<id>" does not exist' if absent. */
int ctr_load(struct container *c, const char *root, const char *id, struct err *e);
int ctr_save(const struct container *c, struct err *e);
/*
 * Serialize commands that change one container (create, start, delete,
 * pause, resume): an exclusive POSIX lock on <dir>/lock, held until exit.
 * POSIX locks belong to the process, so the container init cloned by
 * create does not inherit it.  -ENOENT if the container went away while
 * we waited.  create (only) makes the lock file.
 */
int ctr_lock(struct container *c, bool create, struct err *e);
/* ctr_load() then ctr_lock() then load again: the state as the lock holder sees it. */
int ctr_load_locked(struct container *c, const char *root, const char *id, struct err *e);
/* Parse state.json's text (also the fuzz target). */
int ctr_parse_state(struct container *c, const char *text, struct err *e);
enum ctr_status ctr_status(const struct container *c);
const char *ctr_status_name(enum ctr_status s);
/* Is c->pid still the process that create started? */
bool ctr_alive(const struct container *c);
/*
 * Every process of the container: from its cgroup, or without one (no-cgroup
 * mode) from init's pid namespace.  *pids is malloc'd.
 */
int ctr_pids(const struct container *c, pid_t **pids, size_t *n, struct err *e);
/*
 * After create's clone: record init's namespaces in c.  The container's
 * processes are then init and those in its pid namespace when it has one
 * of its own, else those in its mount namespace; with neither, any process
 * in a cgroup keel made (ctr_pids, ctr_cg_destroy).
 */
void ctr_record_ns(struct container *c);
/*
 * Take the container's cgroup down: SIGKILL the container's processes in it
 * (kill_own), then remove what keel made (cg_destroy(): all of it when
 * nothing else is in it, else only an empty leaf).  Another's process in
 * the cgroup is never signalled.
 */
int ctr_cg_destroy(const struct container *c, struct cg *cg, bool kill_own, struct err *e);
/*
 * Did a container in root other than self make cgroupsPath path (its
 * cgroup.made)?  Then a container that joins it shares in its removal.
 */
bool ctr_cgroup_made(const char *root, const char *self, const char *path);
/* init is not our child (create exited): poll until its pid is gone (5 s). */
int ctr_wait_gone(const struct container *c, struct err *e);
/* Remove <root>/<id> and everything in it. */
int ctr_remove_dir(const struct container *c, struct err *e);
/* The runtime-spec state document (runc's key order); malloc'd. */
char *ctr_state_json(const struct container *c, enum ctr_status st, const struct spec *s,
		     bool pretty);
/* Release a created container; returns once its program runs (ns_start). */
int ctr_start(const struct container *c, struct err *e);
/*
 * poststart/poststop hooks: a failure is logged as a warning and the
 * remaining hooks of the kind still run.
 */
void cmd_hooks_after(const struct container *c, const struct spec *s,
		     enum spec_hook_kind kind, enum ctr_status st);
/* Path of a file in the state dir. */
void ctr_path(const struct container *c, const char *name, char *buf, size_t len);

#endif
