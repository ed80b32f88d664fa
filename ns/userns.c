// SPDX-License-Identifier: MIT
/* User namespaces: the parent writes init's id maps before letting it go. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/util.h"
#include "ns/ns-internal.h"

/*
 * Write one of pid's id maps ("uid_map" or "gid_map"); errors name field,
 * the JSON path of the mappings.  Also used for ID-mapped mounts.
 */
int userns_write_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n,
		     const char *field, struct err *e)
{
	char path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
				m[i].container_id, m[i].host_id, m[i].size);
	if (len >= sizeof(buf))
		return err_set(e, E2BIG, "%s: too many mappings", field);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (write_file(path, buf, len, e) < 0)
		return err_wrap(e, "%s", field);
	return 0;
}

int userns_write_maps(pid_t pid, const struct spec *s, struct err *e)
{
	const struct spec_ns *ns = spec_ns_find(s, SPEC_NS_USER);
	int r;

	if (!ns || ns->path)
		return 0;
	/*
	 * Without CAP_SETGID over the parent namespace the kernel only takes a
	 * gid_map once setgroups is denied (user_namespaces(7)); root keeps it.
	 */
	if (geteuid() != 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (write_file(path, "deny", 4, e) < 0)
			return err_wrap(e, "linux.gidMappings");
	}
	r = userns_write_map(pid, "uid_map", s->linux.uid_mappings, s->linux.n_uid_mappings,
		      "linux.uidMappings", e);
	if (r == 0)
		r = userns_write_map(pid, "gid_map", s->linux.gid_mappings, s->linux.n_gid_mappings,
			      "linux.gidMappings", e);
	return r;
}
