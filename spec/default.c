// SPDX-License-Identifier: MIT
/*
 * The config.json "keel spec" writes: the shape users know from "runc
 * spec", so bundles move between runtimes unchanged.  The rootless variant
 * follows what an unprivileged user can actually do: a user namespace
 * mapping only themselves, no network namespace (and so no fresh sysfs,
 * which the kernel ties to the network namespace), no cgroup limits.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonw.h"
#include "lib/util.h"
#include "spec/spec-internal.h"

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];
	bool rootful_only;
};

static const struct default_mount default_mounts[] = {
	{ "/proc", "proc", "proc", { NULL } },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k" } },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" } },
	{ "/dev/shm", "tmpfs", "shm",
	  { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro" }, true },
	{ "/sys/fs/cgroup", "cgroup", "cgroup",
	  { "nosuid", "noexec", "nodev", "relatime", "ro" }, true },
};

/* Without a network namespace of its own, /sys can only be bound in. */
static const struct default_mount rootless_sys = {
	"/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro" }
};

static const char *const default_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm",
};

static const char *const default_caps[] = {
	"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
};

static const char *const default_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap",
};

static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

#define STRV(w, key, v) jw_strv(w, key, v, ARRAY_SIZE(v))

static void put_process(struct jw *w)
{
	static const char *const args[] = { "sh" };

	jw_open(w, "process", '{');
	jw_bool(w, "terminal", true);
	jw_open(w, "user", '{');
	jw_int(w, "uid", 0);
	jw_int(w, "gid", 0);
	jw_close(w, '}');
	STRV(w, "args", args);
	STRV(w, "env", default_env);
	jw_str(w, "cwd", "/");
	jw_open(w, "capabilities", '{');
	STRV(w, "bounding", default_caps);
	STRV(w, "effective", default_caps);
	STRV(w, "permitted", default_caps);
	jw_close(w, '}');
	jw_open(w, "rlimits", '[');
	jw_open(w, NULL, '{');
	jw_str(w, "type", "RLIMIT_NOFILE");
	jw_int(w, "hard", 1024);
	jw_int(w, "soft", 1024);
	jw_close(w, '}');
	jw_close(w, ']');
	jw_bool(w, "noNewPrivileges", true);
	jw_close(w, '}');
}

static bool is_id_option(const char *o)
{
	return str_has_prefix(o, "uid=") || str_has_prefix(o, "gid=");
}

static void put_mount(struct jw *w, const struct default_mount *m, bool rootless)
{
	jw_open(w, NULL, '{');
	jw_str(w, "destination", m->destination);
	jw_str(w, "type", m->type);
	jw_str(w, "source", m->source);
	if (m->options[0]) {
		jw_open(w, "options", '[');
		for (const char *const *o = m->options; *o; o++)
			/* Only our own id is mapped; gid=5 would fail the mount. */
			if (!rootless || !is_id_option(*o))
				jw_str(w, NULL, *o);
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

static void put_mounts(struct jw *w, bool rootless)
{
	jw_open(w, "mounts", '[');
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct default_mount *m = &default_mounts[i];

		if (rootless && m->rootful_only) {
			if (!strcmp(m->destination, "/sys"))
				put_mount(w, &rootless_sys, true);
			continue;
		}
		put_mount(w, m, rootless);
	}
	jw_close(w, ']');
}

static void put_idmap(struct jw *w, const char *key, unsigned int host_id)
{
	jw_open(w, key, '[');
	jw_open(w, NULL, '{');
	jw_int(w, "containerID", 0);
	jw_int(w, "hostID", host_id);
	jw_int(w, "size", 1);
	jw_close(w, '}');
	jw_close(w, ']');
}

static void put_namespaces(struct jw *w, bool rootless)
{
	static const char *const rootful[] = {
		"pid", "network", "ipc", "uts", "mount", "cgroup",
	};
	static const char *const rootless_ns[] = {
		"pid", "ipc", "uts", "mount", "cgroup", "user",
	};
	const char *const *names = rootless ? rootless_ns : rootful;

	_Static_assert(ARRAY_SIZE(rootful) == ARRAY_SIZE(rootless_ns), "same count");
	jw_open(w, "namespaces", '[');
	for (size_t i = 0; i < ARRAY_SIZE(rootful); i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "type", names[i]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void put_linux(struct jw *w, bool rootless)
{
	jw_open(w, "linux", '{');
	if (rootless) {
		/* The euid is what the kernel lets us map without privilege. */
		put_idmap(w, "uidMappings", geteuid());
		put_idmap(w, "gidMappings", getegid());
	} else {
		jw_open(w, "resources", '{');
		jw_open(w, "devices", '[');
		jw_open(w, NULL, '{');
		jw_bool(w, "allow", false);
		jw_str(w, "access", "rwm");
		jw_close(w, '}');
		jw_close(w, ']');
		jw_close(w, '}');
	}
	put_namespaces(w, rootless);
	STRV(w, "maskedPaths", default_masked);
	STRV(w, "readonlyPaths", default_readonly);
	jw_close(w, '}');
}

char *spec_default_json(bool rootless)
{
	struct jw w = { .pretty = true };

	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersion", "1.2.0");
	put_process(&w);
	jw_open(&w, "root", '{');
	jw_str(&w, "path", "rootfs");
	jw_bool(&w, "readonly", true);
	jw_close(&w, '}');
	jw_str(&w, "hostname", "keel");
	put_mounts(&w, rootless);
	put_linux(&w, rootless);
	jw_close(&w, '}');
	return jw_finish(&w);
}
