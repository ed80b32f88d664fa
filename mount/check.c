// SPDX-License-Identifier: MIT
/*
 * Mount options the parser accepts (they are valid OCI) but mount/ does not
 * apply yet, or not in this build.  Refusing them keeps a config from getting
 * a weaker mount than it asked for (an "rro" quietly left writable, an
 * "idmap" mount showing the host's ids).
 */
#include <string.h>

#include "lib/util.h"
#include "mount/mount-internal.h"

/* "ratime", "rnorelatime", "rnostrictatime" say what not to be, not what to be */
static const char *const not_yet[] = {
	"rnorelatime", "ratime", "rnostrictatime", "tmpcopyup",
};

static int check_option(const char *o, size_t i, size_t j, struct err *e)
{
	if (!IS_ENABLED(CONFIG_MOUNT_IDMAP) && (!strcmp(o, "idmap") || !strcmp(o, "ridmap")))
		return err_set(e, ENOTSUP, "mounts[%zu].options[%zu]: \"%s\": this keel was "
			       "built without CONFIG_MOUNT_IDMAP", i, j, o);
	for (size_t k = 0; k < ARRAY_SIZE(not_yet); k++)
		if (!strcmp(o, not_yet[k]))
			return err_set(e, ENOTSUP,
				       "mounts[%zu].options[%zu]: \"%s\" is not supported by this keel yet",
				       i, j, o);
	return 0;
}

/* "/", "//", "/./": nothing but slashes and dots-as-components */
static bool is_root_path(const char *p)
{
	if (*p++ != '/')
		return false;
	for (; *p; p++)
		if (*p != '/' && !(*p == '.' && (p[1] == '/' || !p[1]) && p[-1] == '/'))
			return false;
	return true;
}

int mnt_check(const struct spec *s, struct err *e)
{
	/* Without one, the mounts and pivot_root would change the host's. */
	if (!spec_ns_find(s, SPEC_NS_MOUNT))
		return err_set(e, EINVAL, "linux.namespaces: no mount namespace");
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];

		if (!IS_ENABLED(CONFIG_MOUNT_IDMAP) && (m->n_uid_mappings || m->n_gid_mappings))
			return err_set(e, ENOTSUP, "mounts[%zu].%s: id-mapped mounts: this keel was "
				       "built without CONFIG_MOUNT_IDMAP", i,
				       m->n_uid_mappings ? "uidMappings" : "gidMappings");
		for (size_t j = 0; m->options && m->options[j]; j++)
			if (check_option(m->options[j], i, j, e) < 0)
				return -e->code;
		if (mnt_idmap_check(s, i, e) < 0)
			return -e->code;
		/* pivot_root moves to the rootfs under it: the mount would be lost */
		if (m->destination && is_root_path(m->destination))
			return err_set(e, EINVAL, "mounts[%zu].destination: \"%s\": a mount on the "
				       "container's / has no effect (root.path is its root)",
				       i, m->destination);
	}
	return 0;
}
