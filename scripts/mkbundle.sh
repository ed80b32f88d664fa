#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build a minimal OCI bundle from Debian's busybox-static:
#
#   scripts/mkbundle.sh DIR [PROBE] [-- ARG...]
#
# DIR/rootfs gets /bin/busybox with a symlink in /bin for every applet, the
# usual empty directories, /etc/passwd and /etc/group (root, nobody), and
# PROBE (test/probe) as /probe when given.  DIR/config.json is a small base
# config: no capabilities, seccomp or cgroup resources; pid, mount, uts and
# ipc namespaces; ARGs (default: /bin/sh -c 'echo hello from keel') as
# process.args.  Values that tests rewrite (args, env, cwd, root, hostname,
# namespaces) each sit on one line; see test/lib.sh for helpers.
# Re-running over an existing DIR refreshes it without deleting anything.
set -eu

BUSYBOX=${BUSYBOX:-/bin/busybox}

die() {
	echo "mkbundle.sh: $*" >&2
	exit 1
}

[ $# -ge 1 ] && [ "$1" != -- ] || die "usage: mkbundle.sh DIR [PROBE] [-- ARG...]"
dir=$1
shift
probe=
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	probe=$1
	shift
fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift

[ -x "$BUSYBOX" ] ||
	die "$BUSYBOX not found: run scripts/host-packages.sh (it installs busybox-static)"
if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
	die "$BUSYBOX is not statically linked (the 'busybox' package?): run scripts/host-packages.sh to install busybox-static"
fi
[ -z "$probe" ] || [ -x "$probe" ] || die "probe '$probe' is not an executable (make tests builds it)"

# JSON string of one argument.
json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/	/\\t/g')"
}

args='"/bin/sh","-c","echo hello from keel"'
if [ $# -gt 0 ]; then
	args=
	for a in "$@"; do
		args="$args${args:+,}$(json_str "$a")"
	done
fi

r=$dir/rootfs
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/etc" "$r/root"
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
cp -f "$BUSYBOX" "$r/bin/busybox"
chmod 0755 "$r/bin/busybox"
# BUSYBOX_LIST: the busybox that names the applets, when BUSYBOX is one of
# another architecture (scripts/board-image.sh: the board's busybox, listed
# by the host's busybox-static, built from the same Debian source and config)
for applet in $("${BUSYBOX_LIST:-$BUSYBOX}" --list); do
	[ "$applet" = busybox ] || ln -sfn busybox "$r/bin/$applet"
done

cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$r/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF

if [ -n "$probe" ]; then
	cp -f "$probe" "$r/probe"
	chmod 0755 "$r/probe"
fi

cat >"$dir/config.json" <<EOF
{
	"ociVersion": "1.2.0",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": [$args],
		"env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","TERM=xterm"],
		"cwd": "/"
	},
	"root": {"path": "rootfs", "readonly": false},
	"hostname": "keel-test",
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid","strictatime","mode=755","size=65536k"]}
	],
	"linux": {
		"namespaces": [{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"}]
	}
}
EOF
echo "mkbundle.sh: bundle at $dir"
