// SPDX-License-Identifier: MIT
/*
 * Every name config.json may use, mapped to what the kernel takes.  Adding
 * a capability, an rlimit or a mount option is a one-line change here.
 */
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

/* Older libc headers lack the newest flags; the values are kernel ABI. */
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

int name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

const struct name_val *name_find(const struct name_val *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

const char *const spec_ns_names[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = "pid",
	[SPEC_NS_NETWORK] = "network",
	[SPEC_NS_MOUNT] = "mount",
	[SPEC_NS_IPC] = "ipc",
	[SPEC_NS_UTS] = "uts",
	[SPEC_NS_USER] = "user",
	[SPEC_NS_CGROUP] = "cgroup",
	[SPEC_NS_TIME] = "time",
};

const int spec_ns_clone_flags[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = CLONE_NEWPID,
	[SPEC_NS_NETWORK] = CLONE_NEWNET,
	[SPEC_NS_MOUNT] = CLONE_NEWNS,
	[SPEC_NS_IPC] = CLONE_NEWIPC,
	[SPEC_NS_UTS] = CLONE_NEWUTS,
	[SPEC_NS_USER] = CLONE_NEWUSER,
	[SPEC_NS_CGROUP] = CLONE_NEWCGROUP,
	[SPEC_NS_TIME] = CLONE_NEWTIME,
};

/* Indexed by capability number (linux/capability.h). */
const char *const spec_cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",			/* 4 */
	"CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",		/* 8 */
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",	/* 11 */
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",	/* 15 */
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",	/* 19 */
	"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", /* 23 */
	"CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",	/* 27 */
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",	/* 31 */
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",	/* 35 */
	"CAP_BPF", "CAP_CHECKPOINT_RESTORE",					/* 39 */
};
const size_t spec_n_caps = ARRAY_SIZE(spec_cap_names);

const struct name_val spec_rlimits[] = {
	{ "RLIMIT_AS", RLIMIT_AS },		{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },		{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },		{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};
const size_t spec_n_rlimits = ARRAY_SIZE(spec_rlimits);

/* rootfsPropagation, and the propagation options of a mount. */
const struct name_val spec_propagations[] = {
	{ "shared", MS_SHARED },		{ "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },			{ "rslave", MS_SLAVE | MS_REC },
	{ "private", MS_PRIVATE },		{ "rprivate", MS_PRIVATE | MS_REC },
	{ "unbindable", MS_UNBINDABLE },	{ "runbindable", MS_UNBINDABLE | MS_REC },
};
const size_t spec_n_propagations = ARRAY_SIZE(spec_propagations);

static const struct mnt_opt mnt_opts[] = {
	{ "ro", MNT_SET, MS_RDONLY },		{ "rw", MNT_CLEAR, MS_RDONLY },
	{ "nosuid", MNT_SET, MS_NOSUID },	{ "suid", MNT_CLEAR, MS_NOSUID },
	{ "nodev", MNT_SET, MS_NODEV },		{ "dev", MNT_CLEAR, MS_NODEV },
	{ "noexec", MNT_SET, MS_NOEXEC },	{ "exec", MNT_CLEAR, MS_NOEXEC },
	{ "sync", MNT_SET, MS_SYNCHRONOUS },	{ "async", MNT_CLEAR, MS_SYNCHRONOUS },
	{ "dirsync", MNT_SET, MS_DIRSYNC },	{ "remount", MNT_SET, MS_REMOUNT },
	{ "mand", MNT_SET, MS_MANDLOCK },	{ "nomand", MNT_CLEAR, MS_MANDLOCK },
	{ "atime", MNT_CLEAR, MS_NOATIME },	{ "noatime", MNT_SET, MS_NOATIME },
	{ "diratime", MNT_CLEAR, MS_NODIRATIME }, { "nodiratime", MNT_SET, MS_NODIRATIME },
	{ "relatime", MNT_SET, MS_RELATIME },	{ "norelatime", MNT_CLEAR, MS_RELATIME },
	{ "strictatime", MNT_SET, MS_STRICTATIME },
	{ "nostrictatime", MNT_CLEAR, MS_STRICTATIME },
	{ "lazytime", MNT_SET, MS_LAZYTIME },	{ "nolazytime", MNT_CLEAR, MS_LAZYTIME },
	{ "nosymfollow", MNT_SET, MS_NOSYMFOLLOW },
	{ "symfollow", MNT_CLEAR, MS_NOSYMFOLLOW },
	{ "bind", MNT_BIND, MS_BIND },		{ "rbind", MNT_BIND, MS_BIND | MS_REC },
	{ "shared", MNT_PROP, MS_SHARED },	{ "rshared", MNT_PROP, MS_SHARED | MS_REC },
	{ "slave", MNT_PROP, MS_SLAVE },	{ "rslave", MNT_PROP, MS_SLAVE | MS_REC },
	{ "private", MNT_PROP, MS_PRIVATE },	{ "rprivate", MNT_PROP, MS_PRIVATE | MS_REC },
	{ "unbindable", MNT_PROP, MS_UNBINDABLE },
	{ "runbindable", MNT_PROP, MS_UNBINDABLE | MS_REC },
	/* mount_setattr(2) attributes, applied by mount/ after the mount. */
	{ "rro", MNT_RATTR },	{ "rrw", MNT_RATTR },	{ "rnosuid", MNT_RATTR },
	{ "rsuid", MNT_RATTR },	{ "rnodev", MNT_RATTR },	{ "rdev", MNT_RATTR },
	{ "rnoexec", MNT_RATTR }, { "rexec", MNT_RATTR },	{ "rnodiratime", MNT_RATTR },
	{ "rdiratime", MNT_RATTR }, { "rrelatime", MNT_RATTR }, { "rnorelatime", MNT_KEEP },
	{ "rnoatime", MNT_RATTR }, { "ratime", MNT_KEEP }, { "rstrictatime", MNT_RATTR },
	{ "rnostrictatime", MNT_KEEP }, { "rnosymfollow", MNT_RATTR },
	{ "rsymfollow", MNT_RATTR }, { "idmap", MNT_KEEP }, { "ridmap", MNT_KEEP },
	/* runc's extension: copy the lower dir up into a fresh tmpfs. */
	{ "tmpcopyup", MNT_KEEP },
};

const struct mnt_opt *mnt_opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mnt_opts); i++)
		if (!strcmp(mnt_opts[i].name, name))
			return &mnt_opts[i];
	return NULL;
}

const char *mnt_opt_applied(size_t i)
{
	for (size_t k = 0; k < ARRAY_SIZE(mnt_opts); k++)
		if (mnt_opts[k].kind != MNT_KEEP && i-- == 0)
			return mnt_opts[k].name;
	return NULL;
}

const char *const spec_hook_names[SPEC_HOOK_COUNT] = {
	[SPEC_HOOK_PRESTART] = "prestart",
	[SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
	[SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
	[SPEC_HOOK_START_CONTAINER] = "startContainer",
	[SPEC_HOOK_POSTSTART] = "poststart",
	[SPEC_HOOK_POSTSTOP] = "poststop",
};

const struct name_val spec_sc_actions[] = {
	{ "SCMP_ACT_KILL", SPEC_SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SPEC_SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SPEC_SC_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SPEC_SC_TRAP },
	{ "SCMP_ACT_ERRNO", SPEC_SC_ERRNO },
	{ "SCMP_ACT_TRACE", SPEC_SC_TRACE },
	{ "SCMP_ACT_ALLOW", SPEC_SC_ALLOW },
	{ "SCMP_ACT_LOG", SPEC_SC_LOG },
	{ "SCMP_ACT_NOTIFY", SPEC_SC_NOTIFY },
};
const size_t spec_n_sc_actions = ARRAY_SIZE(spec_sc_actions);

const struct name_val spec_sc_ops[] = {
	{ "SCMP_CMP_NE", SPEC_SC_NE },		{ "SCMP_CMP_LT", SPEC_SC_LT },
	{ "SCMP_CMP_LE", SPEC_SC_LE },		{ "SCMP_CMP_EQ", SPEC_SC_EQ },
	{ "SCMP_CMP_GE", SPEC_SC_GE },		{ "SCMP_CMP_GT", SPEC_SC_GT },
	{ "SCMP_CMP_MASKED_EQ", SPEC_SC_MASKED_EQ },
};
const size_t spec_n_sc_ops = ARRAY_SIZE(spec_sc_ops);

/* The runtime-spec's list; seccomp/ maps them to libseccomp tokens. */
const char *const spec_sc_arches[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
	"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB",
};
const size_t spec_n_sc_arches = ARRAY_SIZE(spec_sc_arches);

const char *const spec_sc_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};
const size_t spec_n_sc_flags = ARRAY_SIZE(spec_sc_flags);

/*
 * process.scheduler, process.ioPriority and linux.personality.  The values
 * are kernel ABI (uapi sched.h, ioprio.h, personality.h), written out
 * because libc headers differ in which of them they have.
 */
const struct name_val spec_sched_policies[7] = {
	{ "SCHED_OTHER", 0 },	{ "SCHED_FIFO", 1 },	{ "SCHED_RR", 2 },
	{ "SCHED_BATCH", 3 },	{ "SCHED_ISO", 4 },	{ "SCHED_IDLE", 5 },
	{ "SCHED_DEADLINE", 6 },
};

const struct name_val spec_sched_flags[7] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 },	{ "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },	{ "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },	{ "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

const struct name_val spec_ioprio_classes[3] = {
	{ "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 },
};

const struct name_val spec_personalities[2] = {
	{ "LINUX", 0x0000 },	/* PER_LINUX */
	{ "LINUX32", 0x0008 },	/* PER_LINUX32 */
};

const char *spec_hook_name(enum spec_hook_kind k)
{
	return (unsigned int)k < SPEC_HOOK_COUNT ? spec_hook_names[k] : "?";
}
