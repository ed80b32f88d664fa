// SPDX-License-Identifier: MIT
/*
 * update (CONFIG_UPDATE): change a container's cgroup limits, with runc's
 * flags and --resources (a linux.resources object).  Unlike runc, where a
 * file makes the flags ignored, flags override what the file says.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/cg.h"
#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "spec/spec.h"

static const char usage[] =
	"Usage: keel update [options] <container-id>\n"
	"Change the limits of a created, running or paused container.\n\n"
	"  -r, --resources FILE   linux.resources JSON (\"-\": stdin); flags override it\n"
	"  runc's flags: --blkio-weight --cpu-period --cpu-quota --cpu-burst --cpu-share\n"
	"  --cpu-rt-period --cpu-rt-runtime --cpu-idle --cpuset-cpus --cpuset-mems\n"
	"  --memory --memory-reservation --memory-swap (k, m, g...; -1: unlimited)\n"
	"  --pids-limit\n";

enum kind { U64, S64, BYTES, STR, RDT };

#define OFF(m) (offsetof(struct spec_resources, m) + 1)
static const struct flag {
	const char *name;
	unsigned short val, has;	/* offset + 1 in spec_resources; has 0: none */
	unsigned char kind, size;
} flags[] = {
#define F(n, m, h, k) { n, OFF(m), h, k, sizeof(((struct spec_resources *)0)->m) }
	F("blkio-weight", block_io.weight, OFF(block_io.has_weight), U64),
	F("cpu-period", cpu.period, OFF(cpu.has_period), U64),
	F("cpu-quota", cpu.quota, OFF(cpu.has_quota), S64),
	F("cpu-burst", cpu.burst, OFF(cpu.has_burst), U64),
	F("cpu-share", cpu.shares, OFF(cpu.has_shares), U64),
	F("cpu-rt-period", cpu.realtime_period, OFF(cpu.has_realtime_period), U64),
	F("cpu-rt-runtime", cpu.realtime_runtime, OFF(cpu.has_realtime_runtime), S64),
	F("cpu-idle", cpu.idle, OFF(cpu.has_idle), S64),
	F("cpuset-cpus", cpu.cpus, 0, STR),
	F("cpuset-mems", cpu.mems, 0, STR),
	F("memory", memory_limit, OFF(has_memory_limit), BYTES),
	F("memory-reservation", memory.reservation, OFF(memory.has_reservation), BYTES),
	F("memory-swap", memory.swap, OFF(memory.has_swap), BYTES),
	F("kernel-memory", memory.kernel, OFF(memory.has_kernel), BYTES),
	F("kernel-memory-tcp", memory.kernel_tcp, OFF(memory.has_kernel_tcp), BYTES),
	F("pids-limit", pids_limit, OFF(has_pids_limit), S64),
	{ "l3-cache-schema", 0, 0, RDT, 0 },
	{ "mem-bw-schema", 0, 0, RDT, 0 },
#undef F
};
#define N_FLAGS ARRAY_SIZE(flags)

/*
 * docker/go-units RAMInBytes, as runc reads --memory: "512", "64k",
 * "1.5g", "2 GiB"; binary multiples, a fraction truncated.
 */
static bool ram_bytes(const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	const char *u;
	uint64_t n = 0, frac = 0, div = 1;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.' && isdigit((unsigned char)s[1]))
		for (s++; isdigit((unsigned char)*s); s++)
			if (div < 1000000000) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				div *= 10;
			}
	if (*s == ' ')
		s++;
	if (*s && (u = strchr(units, tolower((unsigned char)*s)))) {
		shift = 10 * (int)(u - units + 1);
		s++;
	}
	s += tolower((unsigned char)*s) == 'i';
	s += tolower((unsigned char)*s) == 'b';
	if (*s || n > (uint64_t)INT64_MAX >> shift)
		return false;
	*out = (int64_t)((n << shift) + ((frac << shift) / div));
	return true;
}

/* One flag's value into its field of r (flags override --resources). */
static int set_flag(const struct flag *f, const char *v, struct spec_resources *r,
		    struct err *e)
{
	char *p = (char *)r + f->val - 1;
	const char *end = "";
	int64_t n = 0;

	if (f->kind == RDT)
		return err_set(e, ENOTSUP, "Intel RDT/%s: %s schema is not enabled",
			       f->name[0] == 'l' ? "CAT" : "MBA",
			       f->name[0] == 'l' ? "l3 cache" : "memory bandwidth");
	if (f->kind == STR) {
		*(const char **)p = v;
		return 0;
	}
	errno = 0;
	if (f->kind == BYTES && strcmp(v, "-1"))
		end = ram_bytes(v, &n) ? "" : "x";
	else if (f->kind == U64)
		n = *v == '-' ? -1 : (int64_t)strtoull(v, (char **)&end, 10);
	else
		n = strtoll(v, (char **)&end, 10);
	if (!*v || *end || errno || (f->kind == U64 && *v == '-') ||
	    (f->size == 2 && (n < 0 || n > 65535)))
		return err_set(e, EINVAL, "update: invalid value for --%s: \"%s\"", f->name, v);
	if (f->size == 2)
		*(uint16_t *)p = (uint16_t)n;
	else
		memcpy(p, &n, sizeof(n));
	*(bool *)((char *)r + f->has - 1) = true;
	return 0;
}

/* --resources FILE or "-" */
static struct spec *load_resources(const char *path, struct err *e)
{
	_cleanup_free_ char *json = NULL;
	struct spec *s = NULL;
	size_t len;
	int r = strcmp(path, "-") ? spec_read(path, &json, &len, e) : read_fd(0, &json, &len, e);

	if (r == 0)
		s = spec_parse_resources(json, len, e);
	if (!s)
		err_wrap(e, "--resources %s", path);
	return s;
}

/* The config's memory.checkBeforeUpdate holds for updates that do not say. */
static void config_check(const struct container *c, struct spec_resources *r)
{
	char path[PATH_MAX + 16];
	_cleanup_free_ char *json = NULL;
	struct spec *s;
	struct err ignored;
	size_t len;

	ctr_path(c, "config.json", path, sizeof(path));
	if (r->memory.has_check_before_update || spec_read(path, &json, &len, &ignored))
		return;
	s = spec_parse(json, len, &ignored);
	if (s && s->linux.resources)
		r->memory.check_before_update = s->linux.resources->memory.check_before_update;
	spec_free(s);
}

static int update(struct globals *g, const char *id, struct spec_resources *r, struct err *e)
{
	struct container c;
	enum ctr_status st;
	struct cg cg;

	if (ctr_load_locked(&c, g->root, id, e) < 0)
		return -e->code;
	st = ctr_status(&c);
	if (st == CTR_STOPPED || st == CTR_CREATING)
		return err_set(e, EINVAL, "container not running");
	config_check(&c, r);
	/* runc's update cannot change devices either */
	if (r->n_devices)
		log_warn("update: linux.resources.devices: ignored, devices cannot be updated");
	r->n_devices = 0;
	return cg_open(&cg, c.cgroup, c.id, e) ?: cg_update(&cg, r, e);
}

int cmd_update(struct globals *g, int argc, char **argv)
{
	struct option opts[N_FLAGS + 3] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
	};
	const char *val[N_FLAGS] = { 0 }, *file = NULL;
	struct spec_resources none = { 0 }, *r = &none;
	struct spec *fs = NULL;
	struct err e = { 0 };
	int opt, rc;

	for (size_t i = 0; i < N_FLAGS; i++)
		opts[i + 2] = (struct option){ flags[i].name, required_argument, NULL, 256 + (int)i };
	while ((opt = getopt_long(argc, argv, "+r:h", opts, NULL)) != -1) {
		if (opt == 'r')
			file = optarg;
		else if (opt == 'h')
			return cmd_help(usage);
		else if (opt >= 256)
			val[opt - 256] = optarg;
		else
			return cmd_bad_option("update", argv);
	}
	if (argc - optind != 1)
		return cmd_usage("update", "expects exactly one container id");
	if (file && !(fs = load_resources(file, &e)))
		return cmd_fail(&e);
	if (fs && fs->linux.resources)
		r = fs->linux.resources;
	rc = 0;
	for (size_t i = 0; !rc && i < N_FLAGS; i++)
		if (val[i])
			rc = set_flag(&flags[i], val[i], r, &e);
	if (!rc)
		rc = update(g, argv[optind], r, &e);
	spec_free(fs);
	return rc ? cmd_fail(&e) : 0;
}
