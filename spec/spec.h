/* SPDX-License-Identifier: MIT */
/*
 * spec/: config.json -> typed struct spec.  This is the only subsystem that
 * sees JSON; everything else reads these structs.
 *
 * All memory of a parsed spec hangs off one arena and goes with spec_free().
 * Arrays come as (pointer, count) pairs; string lists are NULL-terminated.
 * A "has_" flag marks an optional scalar that was present.
 */
#ifndef KEEL_SPEC_H
#define KEEL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

enum spec_ns_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT
};

struct spec_ns {
	enum spec_ns_type type;
	int clone_flag;		/* CLONE_NEW* */
	char *path;		/* join this namespace instead of making one */
};

struct spec_idmap {
	uint32_t container_id, host_id, size;
};

struct spec_mount {
	char *destination;
	char *type;		/* may be NULL (bind mounts) */
	char *source;
	char **options;		/* as given */
	/* derived from options */
	unsigned long flags;		/* MS_* to set */
	unsigned long propagation;	/* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (|MS_REC) */
	bool bind, recursive;
	char *data;		/* options the kernel takes as a string */
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
};

struct spec_rlimit {
	int resource;		/* RLIMIT_* */
	uint64_t soft, hard;
};

struct spec_caps {
	/* bit n = capability n; all five sets as in process.capabilities */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct spec_user {
	uid_t uid;
	gid_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
};

/* process.scheduler: sched_setattr(2) */
struct spec_scheduler {
	int policy;		/* SCHED_OTHER, SCHED_FIFO, ... (kernel values) */
	bool has_nice, has_priority, has_runtime, has_deadline, has_period;
	int nice;		/* -20..19 */
	int priority;		/* 0..99 */
	uint64_t flags;		/* SCHED_FLAG_* bits */
	uint64_t runtime, deadline, period;	/* ns, SCHED_DEADLINE */
};

/* process.ioPriority: ioprio_set(2) */
struct spec_io_priority {
	int io_class;		/* IOPRIO_CLASS_RT, _BE or _IDLE (kernel values) */
	int priority;		/* 0 (highest) .. 7 */
};

/* process.execCPUAffinity: cpu lists ("0-3,7"), NULL if absent */
struct spec_cpu_affinity {
	char *initial;		/* while the runtime sets up, before execve */
	char *final;		/* for the container process */
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	unsigned int console_height, console_width;
	struct spec_user user;
	char **args;
	char **env;
	char *cwd;
	bool has_caps;
	struct spec_caps caps;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	bool has_oom_score_adj;
	int oom_score_adj;
	/* runtime-spec 1.2 fields keel does not apply yet: each has_ flag
	 * says the section is present, the struct holds what it says */
	bool has_scheduler, has_io_priority, has_exec_cpu_affinity;
	struct spec_scheduler scheduler;
	struct spec_io_priority io_priority;
	struct spec_cpu_affinity exec_cpu_affinity;
};

struct spec_hook {
	char *path;
	char **args;
	char **env;
	bool has_timeout;
	int timeout;		/* seconds, > 0 */
};

enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_COUNT
};

struct spec_hooks {
	struct spec_hook *list[SPEC_HOOK_COUNT];
	size_t count[SPEC_HOOK_COUNT];
};

struct spec_device {
	char *path;
	char type;		/* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	bool has_file_mode, has_uid, has_gid;
	mode_t file_mode;
	uid_t uid;
	gid_t gid;
};

/* linux.resources.devices: one rule of the device allow list */
struct spec_dev_rule {
	bool allow;
	char type;		/* 'a' (also when absent), 'c' or 'b' */
	bool has_major, has_minor;	/* absent or -1: any */
	int64_t major, minor;
	char *access;		/* "rwm" subset; NULL if absent */
};

/* linux.resources.memory, beyond limit (which is in spec_resources) */
struct spec_res_memory {
	bool has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	bool has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
	int64_t reservation, swap, kernel, kernel_tcp;	/* bytes, -1 = unlimited */
	uint64_t swappiness;	/* 0..100 */
	bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct spec_res_cpu {
	bool has_shares, has_quota, has_burst, has_period;
	bool has_realtime_runtime, has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota;		/* us per period */
	uint64_t burst, period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	int64_t idle;		/* 0 or 1 */
	char *cpus, *mems;	/* cpu lists, NULL if absent */
};

struct spec_blkio_weight_dev {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct spec_blkio_throttle {
	int64_t major, minor;
	uint64_t rate;		/* bytes or IOs per second */
};

struct spec_res_block_io {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct spec_blkio_weight_dev *weight_device;
	size_t n_weight_device;
	/* read bps, write bps, read iops, write iops: see enum spec_blkio_throttle_kind */
	struct spec_blkio_throttle *throttle[4];
	size_t n_throttle[4];
};

enum spec_blkio_throttle_kind {
	SPEC_BLKIO_READ_BPS,	/* throttleReadBpsDevice */
	SPEC_BLKIO_WRITE_BPS,	/* throttleWriteBpsDevice */
	SPEC_BLKIO_READ_IOPS,	/* throttleReadIOPSDevice */
	SPEC_BLKIO_WRITE_IOPS,	/* throttleWriteIOPSDevice */
};

struct spec_hugepage_limit {
	char *page_size;	/* "2MB", "1GB", "64KB" */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;		/* interface */
	uint32_t priority;
};

struct spec_res_network {
	bool has_class_id;
	uint32_t class_id;
	struct spec_net_priority *priorities;
	size_t n_priorities;
};

struct spec_rdma {
	char *device;		/* the map key */
	bool has_hca_handles, has_hca_objects;	/* at least one */
	uint32_t hca_handles, hca_objects;
};

/* A string map entry: annotations, sysctl, unified */
struct spec_kv {
	char *key, *value;
};

/*
 * linux.resources: parsed in full by spec/; the cgroup drivers read what
 * they apply and cg_check() refuses the rest.  A has_ flag per optional
 * scalar, a (pointer, count) pair per list; absent sections stay zero.
 */
struct spec_resources {
	bool has_memory_limit;
	int64_t memory_limit;	/* linux.resources.memory.limit */
	bool has_pids_limit;
	int64_t pids_limit;	/* linux.resources.pids.limit */
	struct spec_dev_rule *devices;
	size_t n_devices;
	struct spec_res_memory memory;
	struct spec_res_cpu cpu;
	struct spec_res_block_io block_io;
	struct spec_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct spec_res_network network;
	struct spec_rdma *rdma;
	size_t n_rdma;
	struct spec_kv *unified;
	size_t n_unified;
};

enum spec_sc_action {
	SPEC_SC_KILL_THREAD,	/* SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD */
	SPEC_SC_KILL_PROCESS,
	SPEC_SC_TRAP,
	SPEC_SC_ERRNO,
	SPEC_SC_TRACE,
	SPEC_SC_ALLOW,
	SPEC_SC_LOG,
	SPEC_SC_NOTIFY,
};

enum spec_sc_op {
	SPEC_SC_NE, SPEC_SC_LT, SPEC_SC_LE, SPEC_SC_EQ,
	SPEC_SC_GE, SPEC_SC_GT, SPEC_SC_MASKED_EQ,
};

struct spec_sc_arg {
	unsigned int index;
	uint64_t value, value_two;
	enum spec_sc_op op;
};

struct spec_sc_rule {
	char **names;
	enum spec_sc_action action;
	bool has_errno_ret;
	unsigned int errno_ret;
	struct spec_sc_arg *args;
	size_t n_args;
};

struct spec_seccomp {
	enum spec_sc_action default_action;
	bool has_default_errno_ret;
	unsigned int default_errno_ret;
	char **architectures;	/* OCI names, "SCMP_ARCH_X86_64" ... */
	char **flags;		/* OCI names, "SECCOMP_FILTER_FLAG_LOG" ... */
	char *listener_path;
	char *listener_metadata;
	struct spec_sc_rule *rules;
	size_t n_rules;
};

/* linux.timeOffsets: the two clocks a time namespace can shift */
struct spec_time_offset {
	bool has_secs, has_nanosecs;
	int64_t secs;
	uint32_t nanosecs;	/* < 1000000000 */
};

struct spec_time_offsets {
	bool has_boottime, has_monotonic;
	struct spec_time_offset boottime, monotonic;
};

/* linux.personality */
struct spec_personality {
	unsigned long domain;	/* PER_LINUX or PER_LINUX32 */
	char **flags;		/* none are defined yet: always empty */
};

/* linux.intelRdt; strings NULL if absent */
struct spec_intel_rdt {
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;	/* "MB:..." */
	char *schemata;
	bool enable_monitoring, enable_cmt, enable_mbm;
};

/* linux.netDevices: a host interface moved into the container */
struct spec_net_device {
	char *host_name;	/* the map key */
	char *name;		/* in the container; NULL: keep host_name */
};

struct spec_linux {
	struct spec_ns *namespaces;
	size_t n_namespaces;
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct spec_resources *resources;	/* NULL if absent */
	struct spec_seccomp *seccomp;		/* NULL if absent */
	unsigned long rootfs_propagation;	/* 0 = default */
	char **masked_paths;
	char **readonly_paths;
	struct spec_kv *sysctl;
	size_t n_sysctl;
	char *mount_label;
	/* runtime-spec 1.2 sections keel does not apply yet */
	bool has_personality;
	bool has_time_offsets;
	bool has_intel_rdt;
	bool has_net_devices;
	struct spec_personality personality;
	struct spec_time_offsets time_offsets;
	struct spec_intel_rdt intel_rdt;
	struct spec_net_device *net_devices;
	size_t n_net_devices;
};

struct spec {
	char *oci_version;
	struct {
		char *path;	/* as given: relative to the bundle or absolute */
		bool readonly;
	} root;
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_process *process;	/* NULL if absent (allowed for create) */
	char *hostname;
	char *domainname;
	struct spec_hooks *hooks;	/* NULL if absent */
	struct spec_kv *annotations;
	size_t n_annotations;
	struct spec_linux linux;

	void *arena;		/* private: owns everything above */
};

/*
 * Limits against hostile input; each is refused with an error that names
 * it.  SPEC_MAX_VALUES is what bounds memory: cJSON spends about 100 bytes
 * on a value, so a config costs at most some 30 MiB however it is built
 * (a 4 MiB file of small numbers would otherwise take over 200 MiB).
 * A typical config (bench/config-5k.json) has about 400 values.
 */
#define SPEC_MAX_SIZE (4u << 20)	/* bytes of config.json */
#define SPEC_MAX_DEPTH 64		/* nesting of objects and arrays */
#define SPEC_MAX_ELEMS 65536		/* elements of an array, members of an object */
#define SPEC_MAX_VALUES 262144		/* values in the whole document */

/*
 * Read path (a config.json) into a NUL-terminated buffer the caller frees,
 * reading at most SPEC_MAX_SIZE + 1 bytes: a bigger file is refused with
 * "larger than 4194304 bytes" before it is all read.
 */
int spec_read(const char *path, char **json, size_t *len, struct err *e);

/*
 * Parse a config.json held in memory.  On error, e->msg names the JSON path
 * and the problem: 'linux.namespaces[2].type: unknown namespace "foo"'.
 */
struct spec *spec_parse(const char *json, size_t len, struct err *e);
/* Read and parse <bundle>/config.json; errors are prefixed "config.json: ". */
struct spec *spec_load(const char *bundle, struct err *e);
void spec_free(struct spec *s);

/*
 * exec --process: a runtime-spec process object on its own, validated as
 * process.* of a config (errors name the field: "args: ...").  The result
 * has only ->process set; free it with spec_free().
 */
struct spec *spec_parse_process(const char *json, size_t len, struct err *e);
/*
 * update --resources: a linux.resources object on its own, validated as in
 * a config (errors name "linux.resources.<field>").  The result has only
 * ->linux.resources set; free it with spec_free().
 */
struct spec *spec_parse_resources(const char *json, size_t len, struct err *e);
/* Does the filter use SCMP_ACT_NOTIFY anywhere?  (Inline: seccomp/ uses it.) */
static inline bool spec_sc_uses_notify(const struct spec_seccomp *s)
{
	if (s->default_action == SPEC_SC_NOTIFY)
		return true;
	for (size_t i = 0; i < s->n_rules; i++)
		if (s->rules[i].action == SPEC_SC_NOTIFY)
			return true;
	return false;
}
/* "prestart", "createRuntime", ... as config.json names them. */
const char *spec_hook_name(enum spec_hook_kind k);
/* "CAP_SYS_ADMIN" -> 21; -1 if unknown. */
int spec_cap_number(const char *name);

/* keel's state.json (cmd/container.c writes it); errors name the key. */
struct spec_state {
	char *id;
	int64_t pid;
	uint64_t start_time;	/* of pid, in clock ticks since boot */
	int64_t owner;
	uint64_t pidns, mntns;	/* init's namespaces (inode), 0: keel's own */
	char *bundle, *rootfs, *created, *cgroup;
	void *arena;
};

struct spec_state *spec_state_parse(const char *json, size_t len, struct err *e);
void spec_state_free(struct spec_state *st);

/* The spec's namespace of this type, or NULL. */
const struct spec_ns *spec_ns_find(const struct spec *s, enum spec_ns_type t);
/* "pid", "network", ...; NULL for an out-of-range type. */
const char *spec_ns_name(enum spec_ns_type t);

/*
 * The default config.json of "keel spec" (runc's shape: sh, terminal,
 * the usual mounts, masked and read-only paths), as a NUL-terminated string
 * the caller frees.  rootless selects a user-namespace variant.
 */
char *spec_default_json(bool rootless);

/* What spec/ cannot know about the build: the caller (cmd/) fills it in. */
struct spec_features_build {
	const char *keel_version;		/* "org.keel.version" */
	const char *libseccomp_version;		/* "2.5.4"; NULL without CONFIG_SECCOMP */
};

/*
 * The runtime-spec features document (features.md) of this build: what
 * this keel accepts and applies, not what the host offers.  Pretty printed
 * and NUL-terminated; the caller frees it.
 */
char *spec_features_json(const struct spec_features_build *b);

#endif
