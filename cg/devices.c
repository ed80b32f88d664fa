// SPDX-License-Identifier: MIT
/*
 * linux.resources.devices, as runc applies it: the config's rules in order,
 * then runc's default allow list; what no rule matches is denied.
 *
 *   - A rule of type "a" resets: every device, every access, allowed or
 *     denied; its numbers and access are ignored (runc and the v1 kernel
 *     read it so).  Rules before the last one no longer matter.
 *   - After it, each access bit (r, w, m) of a device is decided by the
 *     last rule that names the device and that bit; an open for read and
 *     write is allowed only if both bits are.
 *
 * cgroup v1 takes the rules through devices.allow and devices.deny.  On v2
 * keel assembles a BPF_PROG_TYPE_CGROUP_DEVICE program from them (raw
 * instructions, no library) and attaches it to the cgroup with bpf(2).
 */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"

#define ACC_M BPF_DEVCG_ACC_MKNOD
#define ACC_R BPF_DEVCG_ACC_READ
#define ACC_W BPF_DEVCG_ACC_WRITE
#define ACC_ALL (ACC_M | ACC_R | ACC_W)

/*
 * runc's AllowedDevices (libcontainer/specconv; tun/tap is back since
 * 1.2.4).  runc leaves out a default whose path linux.devices lists, and
 * gives linux.devices no rule of its own: only linux.resources.devices
 * grants a node the config adds.
 */
static const struct {
	char type;
	unsigned char access;
	short major, minor;
	const char *node;	/* under /dev; NULL: none */
} defaults[] = {
	{ 'c', ACC_M, -1, -1, NULL },		/* mknod of any device */
	{ 'b', ACC_M, -1, -1, NULL },
	{ 'c', ACC_ALL, 1, 3, "null" },
	{ 'c', ACC_ALL, 1, 8, "random" },
	{ 'c', ACC_ALL, 1, 7, "full" },
	{ 'c', ACC_ALL, 5, 0, "tty" },
	{ 'c', ACC_ALL, 1, 5, "zero" },
	{ 'c', ACC_ALL, 1, 9, "urandom" },
	{ 'c', ACC_ALL, 136, -1, NULL },	/* /dev/pts/N */
	{ 'c', ACC_ALL, 5, 2, NULL },		/* /dev/ptmx */
	{ 'c', ACC_ALL, 10, 200, NULL },	/* /dev/net/tun */
};

static unsigned char access_bits(const char *s)
{
	unsigned char a = 0;

	/* spec/ lets through r, w and m only */
	for (; s && *s; s++)
		a |= *s == 'r' ? ACC_R : *s == 'w' ? ACC_W : ACC_M;
	return a;
}

static bool replaced(const struct spec *s, const char *node)
{
	for (size_t i = 0; node && s && i < s->linux.n_devices; i++) {
		const char *p = s->linux.devices[i].path;

		if (str_has_prefix(p, "/dev/") && !strcmp(p + 5, node))
			return true;
	}
	return false;
}

struct cg_dev_rule *cg_dev_rules(const struct spec_resources *r, const struct spec *s,
				 size_t *n)
{
	size_t nr = r ? r->n_devices : 0, k = 0;
	struct cg_dev_rule *d = xcalloc(nr + ARRAY_SIZE(defaults), sizeof(*d));

	for (size_t i = 0; i < nr; i++) {
		const struct spec_dev_rule *c = &r->devices[i];

		d[k++] = (struct cg_dev_rule){
			.type = c->type, .allow = c->allow, .access = access_bits(c->access),
			.major = c->has_major ? c->major : -1,
			.minor = c->has_minor ? c->minor : -1,
		};
	}
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		if (!replaced(s, defaults[i].node))
			d[k++] = (struct cg_dev_rule){
				.type = defaults[i].type, .allow = true, .access = defaults[i].access,
				.major = defaults[i].major, .minor = defaults[i].minor,
			};
	*n = k;
	return d;
}

/*
 * Where the rules that matter start; *allow is the verdict in force before
 * them (the last "a" rule's, else deny).  Rules right after the reset that
 * only repeat that verdict change nothing and are skipped too.
 */
static size_t first_rule(const struct cg_dev_rule *d, size_t n, bool *allow)
{
	size_t k = 0;

	*allow = false;
	for (size_t i = 0; i < n; i++) {
		if (d[i].type == 'a') {
			*allow = d[i].allow;
			k = i + 1;
		}
	}
	while (k < n && d[k].allow == *allow)
		k++;
	return k;
}

/* --- cgroup v2: the program ----------------------------------------------- */

#define INSN(c, d, s, o, i) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

/* r2 = type, r3 = access, r4 = major, r5 = minor (r1: struct bpf_cgroup_dev_ctx) */
static const struct bpf_insn prologue[] = {
	INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1,
	     offsetof(struct bpf_cgroup_dev_ctx, access_type), 0),
	INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0),
	INSN(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16),
	INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff),
	INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1,
	     offsetof(struct bpf_cgroup_dev_ctx, major), 0),
	INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1,
	     offsetof(struct bpf_cgroup_dev_ctx, minor), 0),
};

/* One instruction at out[*pc] (out NULL: only count); jumps go to "to". */
static __attribute__((noinline)) void put(struct bpf_insn *out, size_t *pc, __u8 code,
					  __u8 dst, size_t to, __s32 imm)
{
	if (out)
		out[*pc] = (struct bpf_insn)INSN(code, dst, 0, to ? to - *pc - 1 : 0, imm);
	++*pc;
}

static size_t rule_len(const struct cg_dev_rule *d)
{
	return 1 + (d->major >= 0) + (d->minor >= 0) + (d->allow && d->access != ACC_ALL ? 2 : 1);
}

/*
 * r2 = device type, r3 = the access bits still undecided, r4 = major,
 * r5 = minor.  The rules go in backwards, so the first one that matches is
 * the last of the list.  A deny rule that names an undecided bit returns 0;
 * an allow rule takes its bits out of r3 and returns 1 when none is left.
 * Past the first rule, the verdict in force decides what is left.
 * Majors and minors go in as 32-bit immediates, compared with the 64-bit
 * (zero-extended) registers: a number above INT32_MAX never matches, like
 * every device the kernel can have (12-bit majors, 20-bit minors).
 */
size_t cg_dev_prog(const struct cg_dev_rule *d, size_t n, struct bpf_insn *out)
{
	bool def;
	size_t first = first_rule(d, n, &def), len = ARRAY_SIZE(prologue) + 4, pc = 0;

	if (first < n) {
		for (size_t i = first; i < n; i++)
			len += rule_len(&d[i]);
		if (out)
			memcpy(out, prologue, sizeof(prologue));
		pc = ARRAY_SIZE(prologue);
	}
	for (size_t i = n; i-- > first; ) {
		const struct cg_dev_rule *r = &d[i];
		size_t next = pc + rule_len(r);
		/* the first return block gives the verdict in force, the second the other */
		size_t to = r->allow == def ? len - 4 : len - 2;

		put(out, &pc, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, next,
		    r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
		if (r->major >= 0)
			put(out, &pc, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, next, r->major);
		if (r->minor >= 0)
			put(out, &pc, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, next, r->minor);
		if (!r->allow) {
			put(out, &pc, BPF_JMP | BPF_JSET | BPF_K, BPF_REG_3, to, r->access);
		} else if (r->access == ACC_ALL) {
			put(out, &pc, BPF_JMP | BPF_JA, 0, to, 0);
		} else {
			put(out, &pc, BPF_ALU | BPF_AND | BPF_K, BPF_REG_3, 0, ~r->access & ACC_ALL);
			put(out, &pc, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_3, to, 0);
		}
	}
	put(out, &pc, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, def);
	put(out, &pc, BPF_JMP | BPF_EXIT, 0, 0, 0);
	if (first == n)
		return pc;
	put(out, &pc, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, !def);
	put(out, &pc, BPF_JMP | BPF_EXIT, 0, 0, 0);
	return pc;
}

#define TOO_MANY "linux.resources.devices: too many rules (%zu instructions, a device " \
	"program may have %d)"

static long bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

#define VERIFIER_LOG 16384

static int load(const struct bpf_insn *prog, size_t len, struct err *e)
{
	_cleanup_free_ char *log = NULL;
	struct rlimit old, inf = { RLIM_INFINITY, RLIM_INFINITY };
	union bpf_attr a;
	int fd, saved;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = len;
	a.license = (uintptr_t)"MIT";
	fd = bpf(BPF_PROG_LOAD, &a);
	/* before 5.11 programs count against RLIMIT_MEMLOCK (root's, shared) */
	if (fd < 0 && errno == EPERM && !getrlimit(RLIMIT_MEMLOCK, &old) &&
	    !setrlimit(RLIMIT_MEMLOCK, &inf)) {
		fd = bpf(BPF_PROG_LOAD, &a);
		saved = errno;
		setrlimit(RLIMIT_MEMLOCK, &old);
		errno = saved;
	}
	if (fd >= 0)
		return fd;
	saved = errno;
	/* again with the verifier's log, for --debug */
	log = xmalloc(VERIFIER_LOG);
	log[0] = '\0';
	a.log_level = 1;
	a.log_buf = (uintptr_t)log;
	a.log_size = VERIFIER_LOG;
	fd = bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	log_debug("device program of %zu instructions refused; verifier log: %s", len, log);
	return err_sys(e, saved, "load the device program (%zu instructions; --debug shows "
		       "the verifier log)", len);
}

static int attach(const char *dir, const struct bpf_insn *prog, size_t len, struct err *e)
{
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	union bpf_attr a;

	if (cg < 0)
		return err_sys(e, errno, "open %s", dir);
	fd = load(prog, len, e);
	if (fd < 0)
		return fd;
	/* the attachment holds the program: fd can go */
	memset(&a, 0, sizeof(a));
	a.target_fd = cg;
	a.attach_bpf_fd = fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	/* a nested runtime may add its own programs; every one must allow */
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &a) < 0)
		return err_sys(e, errno, "attach the device program to %s", dir);
	log_debug("%s: device program of %zu instructions attached", dir, len);
	return 0;
}

int cg_devices_v2(const char *dir, const struct spec_resources *r, const struct spec *s,
		  struct err *e)
{
	size_t n, len;
	_cleanup_free_ struct cg_dev_rule *d = cg_dev_rules(r, s, &n);
	_cleanup_free_ struct bpf_insn *prog = NULL;

	len = cg_dev_prog(d, n, NULL);
	/* cg_check() refused this already; jump offsets are 16 bits */
	if (len > BPF_MAXINSNS)
		return err_set(e, E2BIG, TOO_MANY, len, BPF_MAXINSNS);
	prog = xcalloc(len, sizeof(*prog));
	cg_dev_prog(d, n, prog);
	/* "return 1" alone: no program restricts nothing at less cost */
	if (len == 2 && prog[0].imm == 1)
		return 0;
	if (!attach(dir, prog, len, e))
		return 0;
	if (r && r->n_devices)
		return err_wrap(e, "linux.resources.devices");
	/* only runc's defaults, which config.json did not ask for */
	log_warn("%s: default device rules not applied: %s", dir, e->msg);
	err_clear(e);
	return 0;
}

/* --- cgroup v1 ------------------------------------------------------------ */

/* "c 1:3 rwm", as devices.allow and devices.deny take a rule */
static void v1_line(char buf[64], const struct cg_dev_rule *d, unsigned int access)
{
	char maj[16] = "*", min[16] = "*";

	if (d->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)d->major);
	if (d->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)d->minor);
	snprintf(buf, 64, "%c %s:%s %s%s%s", d->type, maj, min, access & ACC_R ? "r" : "",
		 access & ACC_W ? "w" : "", access & ACC_M ? "m" : "");
}

static int v1_rule(const char *dir, const struct cg_dev_rule *d, struct err *e)
{
	const char *file = d->allow ? "devices.allow" : "devices.deny";
	char line[64];
	int rc;

	v1_line(line, d, d->access);
	rc = cg_write(dir, file, line, e);
	if (rc != -EPERM || !d->allow)
		return rc;
	/*
	 * The parent does not allow all of it.  Take what it does allow, bit
	 * by bit: the rest the container could not have anyway (as on v2,
	 * where every ancestor's program must agree).
	 */
	log_debug("%s: the parent cgroup does not allow all of \"%s\"", dir, line);
	for (unsigned int bit = 1; bit <= ACC_ALL; bit <<= 1) {
		if (!(d->access & bit))
			continue;
		v1_line(line, d, bit);
		rc = cg_write(dir, file, line, e);
		if (rc && rc != -EPERM)
			return rc;
	}
	err_clear(e);
	return 0;
}

int cg_devices_v1(const char *dir, const struct spec_resources *r, const struct spec *s,
		  struct err *e)
{
	size_t n, nr = r ? r->n_devices : 0;
	_cleanup_free_ struct cg_dev_rule *d = cg_dev_rules(r, s, &n);
	bool allow;
	size_t first = first_rule(d, n, &allow);

	/* cg_check() refused config rules without a devices hierarchy */
	if (!dir) {
		log_debug("no cgroup v1 devices hierarchy: default device rules not applied");
		return 0;
	}
	/* the reset first: the new cgroup starts as a copy of its parent */
	if (cg_write(dir, allow ? "devices.allow" : "devices.deny", "a", e)) {
		/*
		 * A parent that limits devices refuses an allow-all.  The copy
		 * of its list is then all that allow-all could give; but deny
		 * rules cannot be cut out of that list.
		 */
		if (!allow || e->code != EPERM || first < n)
			return err_wrap(e, "linux.resources.devices: reset to %s all",
					allow ? "allow" : "deny");
		log_debug("%s: the parent cgroup limits devices: keeping its list", dir);
		err_clear(e);
	}
	for (size_t i = first; i < n; i++) {
		if (!v1_rule(dir, &d[i], e))
			continue;
		if (i < nr)
			return err_wrap(e, "linux.resources.devices[%zu]", i);
		return err_wrap(e, "default device rule");
	}
	return 0;
}

/* --- checks --------------------------------------------------------------- */

static bool overlap(const struct cg_dev_rule *a, const struct cg_dev_rule *b)
{
	return a->type == b->type && (a->access & b->access) &&
	       (a->major < 0 || b->major < 0 || a->major == b->major) &&
	       (a->minor < 0 || b->minor < 0 || a->minor == b->minor);
}

/*
 * v1 keeps one list of exceptions to the default, and a devices.deny in
 * allow-list mode only takes back an exception of the very same type,
 * major and minor: deny "c 1:3 w" after allow "c 1:* rw" would change
 * nothing, and the write would stay allowed.  Refuse what v1 would apply
 * more loosely than written.  (In deny-list mode v1 errs the other way:
 * an allow cannot cut into a wider deny, so the device stays denied.)
 */
static int v1_expressible(const struct cg_dev_rule *d, size_t n, struct err *e)
{
	bool allow;
	size_t first = first_rule(d, n, &allow);

	if (allow)
		return 0;
	for (size_t j = first; j < n; j++) {
		for (size_t i = first; !d[j].allow && i < j; i++) {
			if (d[i].allow && overlap(&d[i], &d[j]) &&
			    (d[i].major != d[j].major || d[i].minor != d[j].minor))
				return err_set(e, ENOTSUP, "linux.resources.devices[%zu]: cgroup v1 "
					       "cannot deny part of what devices[%zu] allows (only a "
					       "rule of the same type, major and minor)", j, i);
		}
	}
	return 0;
}

int cg_devices_check(const struct spec_resources *r, enum cg_kind host, struct err *e)
{
	size_t n;
	_cleanup_free_ struct cg_dev_rule *d = NULL;

	for (size_t i = 0; r && i < r->n_devices; i++)
		if (!r->devices[i].access || !r->devices[i].access[0])
			return err_set(e, EINVAL, "linux.resources.devices[%zu].access: missing or "
				       "empty (runc refuses it too)", i);
	d = cg_dev_rules(r, NULL, &n);
	if (host != CG_V2)
		return v1_expressible(d, r ? r->n_devices : 0, e);
	n = cg_dev_prog(d, n, NULL);
	if (n > BPF_MAXINSNS)
		return err_set(e, E2BIG, TOO_MANY, n, BPF_MAXINSNS);
	return 0;
}
