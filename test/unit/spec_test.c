// SPDX-License-Identifier: MIT
/*
 * spec/ unit tests.  JSON snippets are written with single quotes, which
 * q() turns into double quotes, so the fixtures stay readable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sched.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/err.h"
#include "lib/util.h"
#include "spec/spec.h"
#include "test/unit/tap.h"

#define HEAD "{'ociVersion':'1.2.0','root':{'path':'rootfs'}"
#define PROC "'process':{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/'}"
#define UTS "'linux':{'namespaces':[{'type':'uts'}]}"
#define MINI "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}"

static struct err e;

/* A config: the minimal head plus extra members (single-quoted). */
static char *q(const char *extra)
{
	char *s = xasprintf(HEAD "%s%s}", extra[0] ? "," : "", extra);

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static struct spec *parse(const char *extra)
{
	_cleanup_free_ char *json = q(extra);

	err_clear(&e);
	return spec_parse(json, strlen(json), &e);
}

/* Parse, which must fail; the message is in e.msg. */
static const char *parse_err(const char *extra)
{
	struct spec *s = parse(extra);

	if (s) {
		spec_free(s);
		return "(parsed without error)";
	}
	return e.msg;
}

static struct spec *parse_raw(const char *json)
{
	err_clear(&e);
	return spec_parse(json, strlen(json), &e);
}

static const struct spec_mount *mount_at(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return &s->mounts[i];
	return NULL;
}

static bool strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

static int test_minimal(void)
{
	struct spec *s = parse("");

	CHECK(s);
	CHECK_STR(s->oci_version, "1.2.0");
	CHECK_STR(s->root.path, "rootfs");
	CHECK(!s->root.readonly);
	CHECK(!s->process && !s->hooks && !s->linux.resources && !s->linux.seccomp);
	CHECK(s->n_mounts == 0 && s->linux.n_namespaces == 0);
	spec_free(s);
	return TEST_PASS;
}

static int test_minimal_process(void)
{
	struct spec *s = parse(PROC);

	CHECK(s && s->process);
	CHECK_STR(s->process->args[0], "sh");
	CHECK(s->process->args[1] == NULL);
	CHECK_STR(s->process->cwd, "/");
	CHECK(s->process->user.uid == 0 && !s->process->has_caps);
	CHECK(!s->process->terminal && !s->process->has_oom_score_adj);
	spec_free(s);
	return TEST_PASS;
}

static int test_default_roundtrip(void)
{
	_cleanup_free_ char *json = NULL;
	struct spec *s;
	const struct spec_mount *m;
	const struct spec_process *p;

	if (!IS_ENABLED(CONFIG_SPEC_TEMPLATE))
		SKIP("CONFIG_SPEC_TEMPLATE=n");
	json = spec_default_json(false);
	s = parse_raw(json);
	CHECK(s);
	p = s->process;
	CHECK_STR(s->oci_version, "1.2.0");
	CHECK_STR(s->hostname, "keel");
	CHECK(s->root.readonly && !strcmp(s->root.path, "rootfs"));
	CHECK(p && p->terminal && p->no_new_privileges && !strcmp(p->args[0], "sh"));
	CHECK(strv_has(p->env, "TERM=xterm"));
	CHECK(p->caps.bounding == ((1ull << 29) | (1ull << 5) | (1ull << 10)));
	CHECK(p->n_rlimits == 1 && p->rlimits[0].resource == RLIMIT_NOFILE);
	CHECK(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 1024);
	CHECK(s->n_mounts == 7 && s->linux.n_namespaces == 6);
	CHECK(spec_ns_find(s, SPEC_NS_NETWORK) && !spec_ns_find(s, SPEC_NS_USER));
	m = mount_at(s, "/dev");
	CHECK(m && m->flags == (MS_NOSUID | MS_STRICTATIME));
	CHECK_STR(m->data, "mode=755,size=65536k");
	m = mount_at(s, "/dev/pts");
	CHECK(m && !strcmp(m->data, "newinstance,ptmxmode=0666,mode=0620,gid=5"));
	CHECK(s->linux.resources && s->linux.resources->n_devices == 1);
	CHECK(!s->linux.resources->devices[0].allow);
	CHECK(strv_has(s->linux.masked_paths, "/proc/kcore"));
	CHECK(strv_has(s->linux.readonly_paths, "/proc/sys"));
	spec_free(s);
	return TEST_PASS;
}

static int test_default_rootless_roundtrip(void)
{
	_cleanup_free_ char *json = NULL;
	struct spec *s;
	const struct spec_mount *m;

	if (!IS_ENABLED(CONFIG_SPEC_TEMPLATE))
		SKIP("CONFIG_SPEC_TEMPLATE=n");
	json = spec_default_json(true);
	s = parse_raw(json);
	CHECK(s);
	CHECK(spec_ns_find(s, SPEC_NS_USER) && !spec_ns_find(s, SPEC_NS_NETWORK));
	CHECK(s->linux.n_uid_mappings == 1 && s->linux.n_gid_mappings == 1);
	CHECK(s->linux.uid_mappings[0].host_id == geteuid());
	CHECK(s->linux.gid_mappings[0].host_id == getegid());
	CHECK(s->linux.uid_mappings[0].container_id == 0);
	CHECK(s->linux.uid_mappings[0].size == 1);
	CHECK(!mount_at(s, "/sys/fs/cgroup") && !s->linux.resources);
	m = mount_at(s, "/sys");
	CHECK(m && m->bind && m->recursive && (m->flags & MS_RDONLY));
	m = mount_at(s, "/dev/pts");
	CHECK(m && !strstr(m->data, "gid="));
	spec_free(s);
	return TEST_PASS;
}

static int test_user_extras(void)
{
	struct spec *s = parse("'process':{'user':{'uid':1000,'gid':100,'umask':18,"
			       "'additionalGids':[5,4294967294]},'args':['sh'],'cwd':'/',"
			       "'consoleSize':{'height':25,'width':80},'terminal':true}");

	CHECK(s);
	CHECK(s->process->user.uid == 1000 && s->process->user.gid == 100);
	CHECK(s->process->user.has_umask && s->process->user.umask == 022);
	CHECK(s->process->user.n_additional_gids == 2);
	CHECK(s->process->user.additional_gids[1] == 4294967294u);
	CHECK(s->process->has_console_size && s->process->console_height == 25);
	CHECK(s->process->console_width == 80 && s->process->terminal);
	spec_free(s);
	return TEST_PASS;
}

static int test_oom_score_adj(void)
{
	struct spec *s = parse("'process':{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/',"
			       "'oomScoreAdj':-1000}");

	CHECK(s && s->process->has_oom_score_adj && s->process->oom_score_adj == -1000);
	spec_free(s);
	return TEST_PASS;
}

static int test_namespaces(void)
{
	struct spec *s = parse("'linux':{'namespaces':[{'type':'network','path':'/run/netns/a'},"
			       "{'type':'time'},{'type':'cgroup'},{'type':'user'}]}");
	const struct spec_ns *ns;

	CHECK(s && s->linux.n_namespaces == 4);
	ns = spec_ns_find(s, SPEC_NS_NETWORK);
	CHECK(ns && ns->clone_flag == CLONE_NEWNET && !strcmp(ns->path, "/run/netns/a"));
	CHECK(spec_ns_find(s, SPEC_NS_TIME)->clone_flag == 0x80);
	CHECK(spec_ns_find(s, SPEC_NS_CGROUP)->clone_flag == 0x02000000);
	CHECK(spec_ns_find(s, SPEC_NS_USER)->path == NULL);
	CHECK(!spec_ns_find(s, SPEC_NS_PID));
	spec_free(s);
	return TEST_PASS;
}

static int test_ns_name(void)
{
	CHECK_STR(spec_ns_name(SPEC_NS_PID), "pid");
	CHECK_STR(spec_ns_name(SPEC_NS_NETWORK), "network");
	CHECK_STR(spec_ns_name(SPEC_NS_TIME), "time");
	CHECK(spec_ns_name(SPEC_NS_COUNT) == NULL);
	CHECK(spec_ns_name((enum spec_ns_type)-1) == NULL);
	return TEST_PASS;
}

static int test_hostname_uts(void)
{
	struct spec *s = parse("'hostname':''");

	CHECK(s);
	spec_free(s);
	s = parse("'hostname':'box','domainname':'lan'," UTS);
	CHECK(s && !strcmp(s->hostname, "box") && !strcmp(s->domainname, "lan"));
	spec_free(s);
	return TEST_PASS;
}

static int test_mount_options(void)
{
	struct spec *s = parse("'mounts':[{'destination':'/t','type':'tmpfs','source':'tmpfs',"
			       "'options':['ro','nosuid','nodev','mode=755','noexec','exec',"
			       "'size=65536k','rslave','relatime','rro','idmap']},"
			       "{'destination':'/b','source':'/x','options':['rbind','ro','rw',"
			       "'private','shared']},"
			       "{'destination':'/c','source':'/y','options':['bind']}]");
	const struct spec_mount *m;

	CHECK(s && s->n_mounts == 3);
	m = &s->mounts[0];
	CHECK(m->flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_RELATIME));
	CHECK(m->propagation == (MS_SLAVE | MS_REC));
	CHECK_STR(m->data, "mode=755,size=65536k");
	CHECK(!m->bind && !m->recursive);
	CHECK(strv_has(m->options, "rro") && strv_has(m->options, "idmap"));
	CHECK_STR(m->type, "tmpfs");
	m = &s->mounts[1];
	CHECK(m->bind && m->recursive && m->type == NULL && m->data == NULL);
	CHECK(m->flags == (MS_BIND | MS_REC));
	CHECK(m->propagation == MS_SHARED);
	m = &s->mounts[2];
	CHECK(m->bind && !m->recursive && m->flags == MS_BIND);
	spec_free(s);
	return TEST_PASS;
}

static int test_mount_idmaps(void)
{
	struct spec *s = parse("'mounts':[{'destination':'/a','source':'/x','options':['bind'],"
			       "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
			       "'gidMappings':[{'containerID':0,'hostID':100,'size':2}]}]");

	CHECK(s && s->mounts[0].n_uid_mappings == 1 && s->mounts[0].n_gid_mappings == 1);
	CHECK(s->mounts[0].uid_mappings[0].host_id == 1000);
	CHECK(s->mounts[0].gid_mappings[0].size == 2);
	spec_free(s);
	return TEST_PASS;
}

static int test_rootfs_propagation(void)
{
	struct spec *s = parse("'linux':{'rootfsPropagation':'rslave'}");

	CHECK(s && s->linux.rootfs_propagation == (MS_SLAVE | MS_REC));
	spec_free(s);
	s = parse("'linux':{'rootfsPropagation':'private'}");
	CHECK(s && s->linux.rootfs_propagation == MS_PRIVATE);
	spec_free(s);
	return TEST_PASS;
}

#define CAPS(x) "'process':{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/'," \
		"'capabilities':" x "}"

static int test_capability_bits(void)
{
	struct spec *s = parse(CAPS("{'bounding':['CAP_CHOWN','CAP_CHECKPOINT_RESTORE'],"
				    "'effective':['CAP_SYS_ADMIN'],'inheritable':[],"
				    "'permitted':['CAP_BPF','CAP_PERFMON'],"
				    "'ambient':['CAP_NET_RAW']}"));
	const struct spec_caps *c;

	CHECK(s && s->process->has_caps);
	c = &s->process->caps;
	CHECK(c->bounding == ((1ull << 0) | (1ull << 40)));
	CHECK(c->effective == (1ull << 21));
	CHECK(c->inheritable == 0);
	CHECK(c->permitted == ((1ull << 39) | (1ull << 38)));
	CHECK(c->ambient == (1ull << 13));
	spec_free(s);
	return TEST_PASS;
}

#define RL(x) "'process':{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/'," \
	      "'rlimits':" x "}"

static int test_rlimits(void)
{
	struct spec *s = parse(RL("[{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096},"
				  "{'type':'RLIMIT_CORE','soft':18446744073709551615,"
				  "'hard':18446744073709551615},"
				  "{'type':'RLIMIT_RTTIME','soft':9007199254740993,"
				  "'hard':9007199254740993}]"));
	const struct spec_rlimit *r;

	CHECK(s && s->process->n_rlimits == 3);
	r = s->process->rlimits;
	CHECK(r[0].resource == RLIMIT_NOFILE && r[0].soft == 1024 && r[0].hard == 4096);
	CHECK(r[1].resource == RLIMIT_CORE && r[1].soft == UINT64_MAX);
	/* 2^53 + 1: a double would round it. */
	CHECK(r[2].resource == RLIMIT_RTTIME && r[2].hard == 9007199254740993ull);
	spec_free(s);
	return TEST_PASS;
}

#define SECCOMP(x) "'linux':{'seccomp':" x "}"

static int seccomp_values(void)
{
	struct spec *s = parse(SECCOMP(
		"{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,"
		"'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_AARCH64'],"
		"'flags':['SECCOMP_FILTER_FLAG_LOG'],'listenerPath':'/run/l.sock',"
		"'listenerMetadata':'m','syscalls':[{'names':['read','write'],"
		"'action':'SCMP_ACT_ALLOW'},{'names':['personality'],'action':'SCMP_ACT_TRACE',"
		"'errnoRet':38,'args':[{'index':0,'value':18446744073709551615,"
		"'valueTwo':4294967295,'op':'SCMP_CMP_MASKED_EQ'},"
		"{'index':5,'value':8,'op':'SCMP_CMP_NE'}]},"
		"{'names':['ioctl'],'action':'SCMP_ACT_NOTIFY'}]}"));
	const struct spec_seccomp *sc;
	const struct spec_sc_rule *r;

	CHECK(s && (sc = s->linux.seccomp));
	CHECK(sc->default_action == SPEC_SC_ERRNO);
	CHECK(sc->has_default_errno_ret && sc->default_errno_ret == 1);
	CHECK_STR(sc->architectures[1], "SCMP_ARCH_AARCH64");
	CHECK(sc->architectures[2] == NULL);
	CHECK_STR(sc->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	CHECK_STR(sc->listener_path, "/run/l.sock");
	CHECK_STR(sc->listener_metadata, "m");
	CHECK(sc->n_rules == 3);
	r = &sc->rules[0];
	CHECK(r->action == SPEC_SC_ALLOW && !r->has_errno_ret && r->n_args == 0);
	CHECK_STR(r->names[1], "write");
	r = &sc->rules[1];
	CHECK(r->action == SPEC_SC_TRACE && r->has_errno_ret && r->errno_ret == 38);
	CHECK(r->n_args == 2 && r->args[0].value == UINT64_MAX);
	CHECK(r->args[0].value_two == 0xffffffffull && r->args[0].op == SPEC_SC_MASKED_EQ);
	CHECK(r->args[1].index == 5 && r->args[1].op == SPEC_SC_NE && r->args[1].value == 8);
	CHECK(sc->rules[2].action == SPEC_SC_NOTIFY);
	spec_free(s);
	return TEST_PASS;
}

static int test_seccomp(void)
{
	if (!IS_ENABLED(CONFIG_SECCOMP))
		SKIP("CONFIG_SECCOMP=n: linux.seccomp is not parsed");
	return seccomp_values();
}

#define RES(x) "'linux':{'resources':" x "}"

static int test_resources_limits(void)
{
	struct spec *s = parse(RES("{'memory':{'limit':-1},'pids':{'limit':100}}"));
	const struct spec_resources *r;

	CHECK(s && (r = s->linux.resources));
	CHECK(r->has_memory_limit && r->memory_limit == -1);
	CHECK(r->has_pids_limit && r->pids_limit == 100);
	CHECK(!r->n_devices && !r->memory.has_swap);
	spec_free(s);
	s = parse(RES("{'memory':{'limit':9223372036854775807}}"));
	CHECK(s && s->linux.resources->memory_limit == INT64_MAX);
	CHECK(!s->linux.resources->has_pids_limit);
	spec_free(s);
	return TEST_PASS;
}

/* update --resources: linux.resources alone, errors named as in a config */
static int test_resources_alone(void)
{
	const char *ok = "{\"cpu\":{\"shares\":512,\"cpus\":\"0-1\"},\"unified\":{\"memory.max\":\"9\"}}";
	const char *bad = "{\"cpu\":{\"quota\":-2}}";
	struct spec *s = spec_parse_resources(ok, strlen(ok), &e);
	const struct spec_resources *r;

	CHECK(s && (r = s->linux.resources) && !s->process);
	CHECK(r->cpu.has_shares && r->cpu.shares == 512);
	CHECK_STR(r->cpu.cpus, "0-1");
	CHECK(r->n_unified == 1);
	CHECK_STR(r->unified[0].key, "memory.max");
	spec_free(s);
	CHECK(!spec_parse_resources(bad, strlen(bad), &e));
	CHECK(!strncmp(e.msg, "linux.resources.cpu.quota: ", 27));
	CHECK(!spec_parse_resources("[]", 2, &e));
	CHECK(!strncmp(e.msg, "linux.resources: ", 17));
	return TEST_PASS;
}

static int test_resources_device_rules(void)
{
	struct spec *s = parse(RES("{'devices':[{'allow':false,'access':'rwm'},"
				   "{'allow':true,'type':'c','major':-1,'minor':3,'access':''}]}"));
	const struct spec_dev_rule *d;

	CHECK(s && s->linux.resources && s->linux.resources->n_devices == 2);
	d = s->linux.resources->devices;
	CHECK(!d[0].allow && d[0].type == 'a' && !d[0].has_major && !d[0].has_minor);
	CHECK_STR(d[0].access, "rwm");
	CHECK(d[1].allow && d[1].type == 'c' && d[1].has_major && d[1].major == -1);
	CHECK(d[1].has_minor && d[1].minor == 3 && !strcmp(d[1].access, ""));
	spec_free(s);
	return TEST_PASS;
}

static int test_devices(void)
{
	struct spec *s = parse("'linux':{'devices':[{'path':'/dev/fuse','type':'c','major':10,"
			       "'minor':229,'fileMode':438,'uid':0,'gid':0},"
			       "{'path':'/dev/p','type':'p'}]}");
	const struct spec_device *d;

	CHECK(s && s->linux.n_devices == 2);
	d = &s->linux.devices[0];
	CHECK(d->type == 'c' && d->major == 10 && d->minor == 229);
	CHECK(d->has_file_mode && d->file_mode == 0666 && d->has_uid && d->has_gid);
	CHECK(s->linux.devices[1].type == 'p' && !s->linux.devices[1].has_file_mode);
	spec_free(s);
	return TEST_PASS;
}

static int test_idmaps(void)
{
	struct spec *s = parse("'linux':{'namespaces':[{'type':'user'}],"
			       "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
			       "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]}");

	CHECK(s && s->linux.n_uid_mappings == 1);
	CHECK(s->linux.uid_mappings[0].host_id == 100000);
	CHECK(s->linux.gid_mappings[0].size == 65536);
	spec_free(s);
	return TEST_PASS;
}

static int test_hooks(void)
{
	struct spec *s = parse("'hooks':{'prestart':[{'path':'/bin/a','args':['a','b'],"
			       "'timeout':5}],'poststop':[{'path':'/bin/b'},{'path':'/bin/c',"
			       "'env':['X=1']}]}");
	const struct spec_hooks *h;

	CHECK(s && (h = s->hooks));
	CHECK(h->count[SPEC_HOOK_PRESTART] == 1 && h->count[SPEC_HOOK_POSTSTOP] == 2);
	CHECK(h->count[SPEC_HOOK_CREATE_RUNTIME] == 0);
	CHECK(h->list[SPEC_HOOK_PRESTART][0].has_timeout);
	CHECK(h->list[SPEC_HOOK_PRESTART][0].timeout == 5);
	CHECK_STR(h->list[SPEC_HOOK_PRESTART][0].args[1], "b");
	CHECK_STR(h->list[SPEC_HOOK_POSTSTOP][1].env[0], "X=1");
	spec_free(s);
	return TEST_PASS;
}

static int test_sysctl_annotations(void)
{
	struct spec *s = parse("'annotations':{'a':'1','b':'2'},"
			       "'linux':{'sysctl':{'net.ipv4.ip_forward':'1'}}");

	CHECK(s && s->n_annotations == 2 && s->linux.n_sysctl == 1);
	CHECK_STR(s->annotations[1].key, "b");
	CHECK_STR(s->annotations[1].value, "2");
	CHECK_STR(s->linux.sysctl[0].key, "net.ipv4.ip_forward");
	CHECK_STR(s->linux.sysctl[0].value, "1");
	spec_free(s);
	return TEST_PASS;
}

static int test_masked_readonly_paths(void)
{
	struct spec *s = parse("'linux':{'maskedPaths':['/proc/kcore'],'readonlyPaths':[]}");

	CHECK(s && !strcmp(s->linux.masked_paths[0], "/proc/kcore"));
	CHECK(s->linux.readonly_paths && s->linux.readonly_paths[0] == NULL);
	spec_free(s);
	return TEST_PASS;
}

static int test_presence_flags(void)
{
	struct spec *s = parse("'linux':{'personality':{'domain':'LINUX'},'timeOffsets':{},"
			       "'intelRdt':{'closID':'x'},'cgroupsPath':'/k/a','mountLabel':'l'},"
			       "'process':{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/',"
			       "'scheduler':{'policy':'SCHED_OTHER'},"
			       "'ioPriority':{'class':'IOPRIO_CLASS_IDLE'}}");
	const struct spec_process *p;

	CHECK(s && s->linux.has_personality && s->linux.has_time_offsets);
	CHECK(s->linux.personality.domain == 0 && !s->linux.personality.flags);
	CHECK(!s->linux.time_offsets.has_boottime && !s->linux.time_offsets.has_monotonic);
	CHECK(s->linux.has_intel_rdt && !s->linux.has_net_devices);
	CHECK_STR(s->linux.intel_rdt.clos_id, "x");
	CHECK(!s->linux.intel_rdt.schemata && !s->linux.intel_rdt.enable_monitoring);
	p = s->process;
	CHECK(p->has_scheduler && p->has_io_priority && !p->has_exec_cpu_affinity);
	CHECK(p->scheduler.policy == 0 && !p->scheduler.has_nice && !p->scheduler.flags);
	CHECK(p->io_priority.io_class == 3 && p->io_priority.priority == 0);
	CHECK_STR(s->linux.cgroups_path, "/k/a");
	CHECK_STR(s->linux.mount_label, "l");
	spec_free(s);
	return TEST_PASS;
}

static int test_unknown_properties_ignored(void)
{
	struct spec *s = parse("'x-vendor':{'deep':[1,2,{'a':null}]},'windows':{},"
			       "'process':{'user':{'uid':0,'gid':0,'username':'root'},"
			       "'args':['sh'],'cwd':'/','commandLine':'sh','future':1},"
			       "'mounts':[{'destination':'/a','weird':true}],"
			       "'linux':{'newThing':[1],'namespaces':[{'type':'pid','x':1}]},"
			       "'hooks':{'someday':[{'path':'rel'}]}");

	CHECK(s && s->process && s->n_mounts == 1 && s->linux.n_namespaces == 1);
	CHECK(s->hooks && s->hooks->count[SPEC_HOOK_PRESTART] == 0);
	spec_free(s);
	return TEST_PASS;
}

static int test_null_is_absent(void)
{
	struct spec *s = parse("'process':null,'hostname':null,'linux':{'seccomp':null,"
			       "'resources':{'cpu':null,'memory':{'limit':null}}}");

	CHECK(s && !s->process && !s->hostname && !s->linux.seccomp);
	CHECK(s->linux.resources && !s->linux.resources->cpu.has_shares);
	CHECK(!s->linux.resources->has_memory_limit);
	spec_free(s);
	CHECK(!parse_raw("{\"ociVersion\":null,\"root\":{\"path\":\"r\"}}"));
	CHECK_STR(e.msg, "ociVersion: missing");
	return TEST_PASS;
}

static int test_integer_forms(void)
{
	struct spec *s = parse("'process':{'user':{'uid':1e3,'gid':2.0},'args':['sh'],'cwd':'/'}");

	CHECK(s && s->process->user.uid == 1000 && s->process->user.gid == 2);
	spec_free(s);
	CHECK_STR(parse_err("'process':{'user':{'uid':-0.5,'gid':0},'args':['sh'],'cwd':'/'}"),
		  "process.user.uid: must be an integer");
	return TEST_PASS;
}

static int test_malformed_json(void)
{
	CHECK(!parse_raw("{\"ociVersion\": }"));
	CHECK_STR(e.msg, "not valid JSON near byte 15");
	CHECK(!parse_raw("{} x"));
	CHECK_STR(e.msg, "not valid JSON near byte 3");
	CHECK(!parse_raw(""));
	CHECK_STR(e.msg, "not valid JSON near byte 0");
	CHECK(!parse_raw("{\"a\":\"unterminated"));
	CHECK(!strncmp(e.msg, "not valid JSON near byte ", 25));
	CHECK(!parse_raw("[1]"));
	CHECK_STR(e.msg, "not a JSON object");
	return TEST_PASS;
}

static int test_length_is_honoured(void)
{
	const char *json = MINI "garbage";
	struct spec *s = spec_parse(json, strlen(json) - 7, &e);

	CHECK(s);
	spec_free(s);
	/* Callers may count the terminating NUL. */
	s = spec_parse(json, strlen(json) - 7 + 1, &e);
	CHECK(!s);
	s = spec_parse(MINI "\n", strlen(MINI "\n"), &e);
	CHECK(s);
	spec_free(s);
	return TEST_PASS;
}

static int test_hostile_big_string(void)
{
	static const char head[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"";
	size_t n = 4 << 20, at;
	char *big;
	struct spec *s;

	/* just below the size limit: a long string is fine */
	n -= sizeof(head) - 1 + sizeof("\"},\"hostname\":3}") - 1;
	at = sizeof(head) - 1 + n;
	big = xmalloc(at + 64);
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, 'a', n);
	strcpy(big + at, "\"},\"hostname\":3}");
	s = spec_parse(big, strlen(big), &e);
	CHECK(!s);
	CHECK_STR(e.msg, "hostname: must be a string");
	strcpy(big + at, "\"}}");
	s = spec_parse(big, strlen(big), &e);
	free(big);
	CHECK(s && strlen(s->root.path) == n);
	spec_free(s);
	return TEST_PASS;
}

/* {"x":[[...]],...}: depth levels in all, the root object counting as one */
static char *nested(size_t depth)
{
	size_t n = depth - 1;
	char *json = xmalloc(2 * n + 64);

	strcpy(json, "{\"x\":");
	memset(json + 5, '[', n);
	memset(json + 5 + n, ']', n);
	strcpy(json + 5 + 2 * n, ",\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}");
	return json;
}

static int test_hostile_nesting(void)
{
	size_t depth = 100000;
	char *json = xmalloc(2 * depth + 64);
	struct spec *s;

	memset(json, '[', depth);
	memset(json + depth, ']', depth);
	json[2 * depth] = '\0';
	s = spec_parse(json, strlen(json), &e);
	free(json);
	CHECK(!s);
	CHECK_STR(e.msg, "nested deeper than 64 levels at byte 64");
	/* Exactly the limit, inside an ignored property: fine. */
	json = nested(SPEC_MAX_DEPTH);
	s = spec_parse(json, strlen(json), &e);
	free(json);
	CHECK(s);
	spec_free(s);
	/* Brackets in strings do not count. */
	s = parse("'annotations':{'a':'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\\'}");
	CHECK(s && s->n_annotations == 1);
	spec_free(s);
	return TEST_PASS;
}

/* {"x":[0,0,...]}: n elements in an ignored property */
static char *long_array(const char *key, size_t n)
{
	char *json = xmalloc(2 * n + 128), *p = json;

	p += sprintf(p, "{\"%s\":[", key);
	for (size_t i = 0; i < n; i++, p += 2)
		memcpy(p, "0,", 2);
	strcpy(p - 1, "],\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}");
	return json;
}

static int test_hostile_array_limit(void)
{
	char *json = long_array("x", SPEC_MAX_ELEMS);
	struct spec *s = spec_parse(json, strlen(json), &e);

	free(json);
	CHECK(s);
	spec_free(s);
	return TEST_PASS;
}

static int test_long_path_in_error(void)
{
	size_t n = 5000;
	char *key = xmalloc(n + 1), *extra;

	memset(key, 'k', n);
	key[n] = '\0';
	extra = xasprintf("'annotations':{'%s':1}", key);
	CHECK(!strncmp(parse_err(extra), "annotations.kkk", 15));
	CHECK(strlen(e.msg) < ERR_MSG_MAX);
	free(extra);
	free(key);
	return TEST_PASS;
}

static int write_config(const char *dir, const char *json)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(json, f);
	return fclose(f);
}

static int test_spec_load(void)
{
	char dir[] = "/tmp/keel-spec-test.XXXXXX";
	_cleanup_free_ char *good = q(PROC);
	_cleanup_free_ char *path = NULL;
	struct spec *s;

	CHECK(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	s = spec_load(dir, &e);
	CHECK(!s && !strncmp(e.msg, "config.json: ", 13) && e.code == ENOENT);
	CHECK(write_config(dir, good) == 0);
	s = spec_load(dir, &e);
	CHECK(s && s->process);
	spec_free(s);
	CHECK(write_config(dir, "{\"ociVersion\":") == 0);
	s = spec_load(dir, &e);
	CHECK(!s);
	CHECK_STR(e.msg, "config.json: not valid JSON near byte 13");
	CHECK(write_config(dir, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
			   "\"linux\":{\"namespaces\":[{\"type\":\"foo\"}]}}") == 0);
	s = spec_load(dir, &e);
	CHECK(!s);
	CHECK_STR(e.msg, "config.json: linux.namespaces[0].type: unknown namespace \"foo\"");
	unlink(path);
	rmdir(dir);
	return TEST_PASS;
}

/* A valid config of exactly size bytes: MINI with a padded annotation. */
static char *config_of_size(size_t size)
{
	static const char head[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
				   "\"annotations\":{\"pad\":\"";
	char *json = xmalloc(size + 1);
	size_t pad = size - (sizeof(head) - 1) - 3;

	memcpy(json, head, sizeof(head) - 1);
	memset(json + sizeof(head) - 1, 'p', pad);
	strcpy(json + sizeof(head) - 1 + pad, "\"}}");
	return json;
}

static int test_size_limit(void)
{
	char dir[] = "/tmp/keel-spec-test.XXXXXX";
	_cleanup_free_ char *path = NULL;
	char *json = NULL;
	struct spec *s;
	size_t len = 0;

	CHECK(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	json = config_of_size(SPEC_MAX_SIZE);
	CHECK(write_config(dir, json) == 0);
	free(json);
	s = spec_load(dir, &e);
	CHECK(s && s->n_annotations == 1);
	spec_free(s);
	json = config_of_size(SPEC_MAX_SIZE + 1);
	CHECK(write_config(dir, json) == 0);
	s = spec_parse(json, strlen(json), &e);
	free(json);
	CHECK(!s && e.code == EFBIG);
	CHECK_STR(e.msg, "larger than 4194304 bytes");
	s = spec_load(dir, &e);
	CHECK(!s);
	CHECK_STR(e.msg, "config.json: larger than 4194304 bytes");
	unlink(path);
	rmdir(dir);
	/* Not a regular file, no size to stat: the read itself stops. */
	json = NULL;
	CHECK(spec_read("/dev/zero", &json, &len, &e) == -EFBIG && !json);
	CHECK_STR(e.msg, "larger than 4194304 bytes");
	CHECK(spec_read("/dev/null", &json, &len, &e) == 0 && len == 0 && json[0] == '\0');
	free(json);
	return TEST_PASS;
}

#include "test/unit/spec_bad.inc"

#include "test/unit/spec_full.inc"

static int test_spec_free_null(void)
{
	spec_free(NULL);
	return TEST_PASS;
}

/* state.json: what keel writes parses back; what an editor broke is refused */
static int test_state_file(void)
{
	static const char ok[] = "{\"id\":\"c1\",\"pid\":1234,\"startTime\":18446744073709551615,"
		"\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"created\":\"t\",\"owner\":7,"
		"\"cgroupsPath\":\"/keel/c1\",\"future\":1}";
	static const struct {
		const char *json, *err;
	} bad[] = {
		{ "{\"id\":\"c\",\"pid\":0,\"startTime\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
		  "pid: must be a process id" },
		{ "{\"id\":\"c\",\"pid\":1,\"startTime\":1,\"bundle\":\"b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
		  "bundle: must be an absolute path" },
		{ "{\"id\":\"c\",\"pid\":1,\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\"}",
		  "startTime: missing" },
		{ "[]", "must be an object" },
	};
	struct err er = { 0 };
	struct spec_state *st = spec_state_parse(ok, sizeof(ok) - 1, &er);

	CHECK(st);
	CHECK(st->pid == 1234 && st->start_time == UINT64_MAX && st->owner == 7);
	CHECK_STR(st->id, "c1");
	CHECK_STR(st->bundle, "/b");
	CHECK_STR(st->cgroup, "/keel/c1");
	spec_state_free(st);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err_clear(&er);
		CHECK(!spec_state_parse(bad[i].json, strlen(bad[i].json), &er));
		CHECK_STR(er.msg, bad[i].err);
	}
	return TEST_PASS;
}

int main(void)
{
	RUN_TEST(test_minimal);
	RUN_TEST(test_minimal_process);
	RUN_TEST(test_default_roundtrip);
	RUN_TEST(test_default_rootless_roundtrip);
	RUN_TEST(test_user_extras);
	RUN_TEST(test_oom_score_adj);
	RUN_TEST(test_namespaces);
	RUN_TEST(test_ns_name);
	RUN_TEST(test_hostname_uts);
	RUN_TEST(test_mount_options);
	RUN_TEST(test_mount_idmaps);
	RUN_TEST(test_rootfs_propagation);
	RUN_TEST(test_capability_bits);
	RUN_TEST(test_rlimits);
	RUN_TEST(test_seccomp);
	RUN_TEST(test_resources_limits);
	RUN_TEST(test_resources_alone);
	RUN_TEST(test_resources_device_rules);
	RUN_TEST(test_devices);
	RUN_TEST(test_idmaps);
	RUN_TEST(test_hooks);
	RUN_TEST(test_sysctl_annotations);
	RUN_TEST(test_masked_readonly_paths);
	RUN_TEST(test_presence_flags);
	RUN_TEST(test_unknown_properties_ignored);
	RUN_TEST(test_null_is_absent);
	RUN_TEST(test_integer_forms);
	RUN_TEST(test_malformed_json);
	RUN_TEST(test_length_is_honoured);
	RUN_TEST(test_hostile_big_string);
	RUN_TEST(test_hostile_nesting);
	RUN_TEST(test_long_path_in_error);
	RUN_TEST(test_spec_load);
	RUN_TEST(test_spec_free_null);
	RUN_TEST(test_size_limit);
	RUN_TEST(test_hostile_array_limit);
	RUN_TEST(test_full_fixture);
	RUN_TEST(test_unknown_properties_everywhere);
	RUN_TEST(test_features);
	RUN_TEST(test_features_accepted);
	RUN_TEST(test_state_file);
	run_bad_configs();
	return tap_done();
}
