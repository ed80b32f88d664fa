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
	/* runtime-spec 1.2 fields keel does not apply yet: present or not */
	bool has_scheduler, has_io_priority, has_exec_cpu_affinity;
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

/* linux.resources: parsed in full by spec/; drivers read what they apply. */
struct spec_resources {
	bool has_memory_limit;
	int64_t memory_limit;
	bool has_pids_limit;
	int64_t pids_limit;
	bool other;		/* any field beyond the ones above is present */
	char *first_other;	/* JSON path of the first such field */
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

struct spec_sysctl {
	char *key, *value;
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
	struct spec_sysctl *sysctl;
	size_t n_sysctl;
	char *mount_label;
	bool has_personality;
	bool has_time_offsets;
	bool has_intel_rdt;
	bool has_net_devices;	/* runtime-spec 1.2 linux.netDevices */
};

struct spec_annotation {
	char *key, *value;
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
	struct spec_annotation *annotations;
	size_t n_annotations;
	struct spec_linux linux;

	void *arena;		/* private: owns everything above */
};

/*
 * Parse a config.json held in memory.  On error, e->msg names the JSON path
 * and the problem: 'linux.namespaces[2].type: unknown namespace "foo"'.
 */
struct spec *spec_parse(const char *json, size_t len, struct err *e);
/* Read and parse <bundle>/config.json; errors are prefixed "config.json: ". */
struct spec *spec_load(const char *bundle, struct err *e);
void spec_free(struct spec *s);

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

#endif
