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

static cJSON *strv(const char *const *v, size_t n)
{
	return cJSON_CreateStringArray(v, (int)n);
}

static cJSON *make_process(void)
{
	static const char *const args[] = { "sh" };
	cJSON *p = cJSON_CreateObject(), *user, *caps, *rl;

	cJSON_AddBoolToObject(p, "terminal", true);
	user = cJSON_AddObjectToObject(p, "user");
	cJSON_AddNumberToObject(user, "uid", 0);
	cJSON_AddNumberToObject(user, "gid", 0);
	cJSON_AddItemToObject(p, "args", strv(args, ARRAY_SIZE(args)));
	cJSON_AddItemToObject(p, "env", strv(default_env, ARRAY_SIZE(default_env)));
	cJSON_AddStringToObject(p, "cwd", "/");
	caps = cJSON_AddObjectToObject(p, "capabilities");
	cJSON_AddItemToObject(caps, "bounding", strv(default_caps, ARRAY_SIZE(default_caps)));
	cJSON_AddItemToObject(caps, "effective", strv(default_caps, ARRAY_SIZE(default_caps)));
	cJSON_AddItemToObject(caps, "permitted", strv(default_caps, ARRAY_SIZE(default_caps)));
	rl = cJSON_CreateObject();
	cJSON_AddStringToObject(rl, "type", "RLIMIT_NOFILE");
	cJSON_AddNumberToObject(rl, "hard", 1024);
	cJSON_AddNumberToObject(rl, "soft", 1024);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "rlimits"), rl);
	cJSON_AddBoolToObject(p, "noNewPrivileges", true);
	return p;
}

static bool is_id_option(const char *o)
{
	return str_has_prefix(o, "uid=") || str_has_prefix(o, "gid=");
}

static cJSON *make_mount(const struct default_mount *m, bool rootless)
{
	cJSON *j = cJSON_CreateObject(), *opts;

	cJSON_AddStringToObject(j, "destination", m->destination);
	cJSON_AddStringToObject(j, "type", m->type);
	cJSON_AddStringToObject(j, "source", m->source);
	if (!m->options[0])
		return j;
	opts = cJSON_AddArrayToObject(j, "options");
	for (const char *const *o = m->options; *o; o++) {
		/* Only our own id is mapped; gid=5 would fail the mount. */
		if (rootless && is_id_option(*o))
			continue;
		cJSON_AddItemToArray(opts, cJSON_CreateString(*o));
	}
	return j;
}

static cJSON *make_mounts(bool rootless)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct default_mount *m = &default_mounts[i];

		if (rootless && m->rootful_only) {
			if (!strcmp(m->destination, "/sys"))
				cJSON_AddItemToArray(a, make_mount(&rootless_sys, true));
			continue;
		}
		cJSON_AddItemToArray(a, make_mount(m, rootless));
	}
	return a;
}

static cJSON *make_idmap(unsigned int host_id)
{
	cJSON *list = cJSON_CreateArray(), *m = cJSON_CreateObject();

	cJSON_AddNumberToObject(m, "containerID", 0);
	cJSON_AddNumberToObject(m, "hostID", host_id);
	cJSON_AddNumberToObject(m, "size", 1);
	cJSON_AddItemToArray(list, m);
	return list;
}

static void add_namespaces(cJSON *l, bool rootless)
{
	static const char *const rootful[] = {
		"pid", "network", "ipc", "uts", "mount", "cgroup",
	};
	static const char *const rootless_ns[] = {
		"pid", "ipc", "uts", "mount", "cgroup", "user",
	};
	const char *const *names = rootless ? rootless_ns : rootful;
	cJSON *a = cJSON_AddArrayToObject(l, "namespaces");

	_Static_assert(ARRAY_SIZE(rootful) == ARRAY_SIZE(rootless_ns), "same count");

	for (size_t i = 0; i < ARRAY_SIZE(rootful); i++) {
		cJSON *ns = cJSON_CreateObject();

		cJSON_AddStringToObject(ns, "type", names[i]);
		cJSON_AddItemToArray(a, ns);
	}
}

static cJSON *make_linux(bool rootless)
{
	cJSON *l = cJSON_CreateObject();

	if (rootless) {
		/* The euid is what the kernel lets us map without privilege. */
		cJSON_AddItemToObject(l, "uidMappings", make_idmap(geteuid()));
		cJSON_AddItemToObject(l, "gidMappings", make_idmap(getegid()));
	} else {
		cJSON *res = cJSON_AddObjectToObject(l, "resources");
		cJSON *dev = cJSON_CreateObject();

		cJSON_AddBoolToObject(dev, "allow", false);
		cJSON_AddStringToObject(dev, "access", "rwm");
		cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "devices"), dev);
	}
	add_namespaces(l, rootless);
	cJSON_AddItemToObject(l, "maskedPaths", strv(default_masked, ARRAY_SIZE(default_masked)));
	cJSON_AddItemToObject(l, "readonlyPaths",
			      strv(default_readonly, ARRAY_SIZE(default_readonly)));
	return l;
}

char *spec_default_json(bool rootless)
{
	_cleanup_json_ cJSON *root = NULL;
	cJSON *r;

	json_init();
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "ociVersion", "1.2.0");
	cJSON_AddItemToObject(root, "process", make_process());
	r = cJSON_AddObjectToObject(root, "root");
	cJSON_AddStringToObject(r, "path", "rootfs");
	cJSON_AddBoolToObject(r, "readonly", true);
	cJSON_AddStringToObject(root, "hostname", "keel");
	cJSON_AddItemToObject(root, "mounts", make_mounts(rootless));
	cJSON_AddItemToObject(root, "linux", make_linux(rootless));
	/* With xmalloc as cJSON's allocator, this cannot return NULL. */
	return cJSON_Print(root);
}
