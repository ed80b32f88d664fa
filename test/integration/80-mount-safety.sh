#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile rootfs contents (CVE-2021-30465 class): symlinks planted where
# mounts, device nodes and masked paths go must resolve inside the rootfs,
# never on the host.  Each case is checked from the host (mountinfo, files
# next to the rootfs) and, where it ran, from inside (probe mounts).
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
TMP=$(realpath "$TMP")

# Host-side targets the planted symlinks point at.  They live in $TMP so
# that even a broken keel touches nothing else; the names are unique.
HOSTDIR=$TMP/hostdir
mkdir -p "$HOSTDIR"
echo untouched >"$HOSTDIR/file"

# host_mounts_under DIR: mount points at or below DIR in the host's table.
host_mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# hostile NAME: a bundle with a private copy of the rootfs (the cases
# plant files in it); path on stdout.
hostile() {
	local d=$TMP/$1
	mkdir -p "$d" && cp -a "$B/rootfs" "$d/rootfs" && cp "$B/config.json" "$d/config.json" &&
		echo "$d"
}

# run_in BUNDLE ARGS_JSON: run in the foreground, stdout on stdout, stderr
# in $TMP/err, exit status in $TMP/rc.
run_in() {
	local id rc
	bundle_args "$1" "$2"
	id=$(new_id)
	k run --bundle "$1" "$id" 2>"$TMP/err"; rc=$?
	echo $rc >"$TMP/rc"
	return $rc
}

host_untouched() {	# host_untouched NAME: $HOSTDIR has only its file, no mount
	expect_eq "$1: host dir has no mount on it" "$(host_mounts_under "$HOSTDIR")" ""
	expect_eq "$1: host dir contents untouched" \
		"$(ls -A "$HOSTDIR" | tr '\n' ' ')$(cat "$HOSTDIR/file")" "file untouched"
}

# mount_at MOUNTINFO PATH TYPE: is there a TYPE mount on PATH?
mount_at() {
	printf '%s\n' "$1" | awk -v p="$2" -v t="$3" '
		$5 == p { for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == t) f = 1; break } }
		END { exit !f }'
}

# --- absolute symlink to a host directory ---------------------------------------------
# The rootfs has its own directory at the link's target, so only where the
# link is resolved decides where the tmpfs goes.
H=$(hostile abs)
ln -s "$HOSTDIR" "$H/rootfs/evil"
mkdir -p "$H/rootfs$HOSTDIR"
bundle_insert "$H" mounts '{"destination": "/evil", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
mi=$(run_in "$H" '"/bin/sh","-c","echo pwned > /evil/pwned; /probe mounts"')
expect_rc "abs symlink: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
host_untouched "abs symlink"
if mount_at "$mi" "$HOSTDIR" tmpfs; then
	ok "abs symlink: the tmpfs landed inside the rootfs (at $HOSTDIR in the container)"
else
	fail "abs symlink: the tmpfs landed inside the rootfs (at $HOSTDIR in the container)" "$mi"
fi
if [ -z "$(ls -A "$H/rootfs$HOSTDIR")" ]; then
	ok "abs symlink: the write went to the tmpfs, not the rootfs dir under it"
else
	fail "abs symlink: the write went to the tmpfs, not the rootfs dir under it" "$(ls -la "$H/rootfs$HOSTDIR" 2>&1)"
fi

# --- relative symlink climbing out -----------------------------------------------------------
H=$(hostile rel)
ln -s "../../../../../../../../../../..$HOSTDIR" "$H/rootfs/rel"
mkdir -p "$H/rootfs$HOSTDIR"
bundle_insert "$H" mounts '{"destination": "/rel", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
mi=$(run_in "$H" '"/bin/sh","-c","echo pwned > /rel/pwned; /probe mounts"')
expect_rc "relative ../.. symlink: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
host_untouched "relative ../.. symlink"
if mount_at "$mi" "$HOSTDIR" tmpfs; then
	ok "relative ../.. symlink: '..' stopped at the rootfs, the tmpfs is inside"
else
	fail "relative ../.. symlink: '..' stopped at the rootfs, the tmpfs is inside" "$mi"
fi

# A symlinked parent, /up -> ../../..$TMP, and destination /up/hostdir/sub:
# the missing "sub" must be made in the rootfs, not in the host's $HOSTDIR.
H=$(hostile relparent)
ln -s "../../../../../../../..$TMP" "$H/rootfs/up"
mkdir -p "$H/rootfs$HOSTDIR"
bundle_insert "$H" mounts '{"destination": "/up/hostdir/sub", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
mi=$(run_in "$H" '"/probe","mounts"')
expect_rc "symlinked parent: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
host_untouched "symlinked parent"
if [ -d "$H/rootfs$HOSTDIR/sub" ]; then ok "symlinked parent: 'sub' made in the rootfs"; else fail "symlinked parent: 'sub' made in the rootfs"; fi
if mount_at "$mi" "$HOSTDIR/sub" tmpfs; then ok "symlinked parent: tmpfs inside the rootfs"; else fail "symlinked parent: tmpfs inside the rootfs" "$mi"; fi

# --- dangling symlinks ---------------------------------------------------------------------------
# The link's target exists on the host but not in the rootfs.  A runtime
# that followed it on the host would mount there; runc makes the target
# inside the rootfs and mounts on it.
H=$(hostile abs-dangling)
ln -s "$HOSTDIR" "$H/rootfs/evil"
bundle_insert "$H" mounts '{"destination": "/evil", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
mi=$(run_in "$H" '"/probe","mounts"')
host_untouched "abs symlink, target only on the host"
expect_rc "abs symlink, target only on the host: run exits 0 (target made in the rootfs, as runc)" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
if mount_at "$mi" "$HOSTDIR" tmpfs; then ok "abs symlink, target only on the host: tmpfs inside"; else fail "abs symlink, target only on the host: tmpfs inside" "$mi"; fi
if [ -d "$H/rootfs$HOSTDIR" ]; then ok "abs symlink, target only on the host: target made in the rootfs"; else fail "abs symlink, target only on the host: target made in the rootfs"; fi

# A runtime that followed this one on the host would mkdir $HOSTDIR/new/x.
H=$(hostile dangling)
ln -s "$HOSTDIR/new/x" "$H/rootfs/dang"
bundle_insert "$H" mounts '{"destination": "/dang", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
mi=$(run_in "$H" '"/probe","mounts"')
if [ ! -e "$HOSTDIR/new" ]; then ok "dangling symlink: nothing made on the host"; else fail "dangling symlink: nothing made on the host" "$(ls -la "$HOSTDIR/new" 2>&1)"; fi
host_untouched "dangling symlink"
expect_rc "dangling symlink: run exits 0 (target made inside the rootfs, as runc)" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
if mount_at "$mi" "$HOSTDIR/new/x" tmpfs; then ok "dangling symlink: tmpfs on the link's target inside"; else fail "dangling symlink: tmpfs on the link's target inside" "$mi"; fi
if [ -d "$H/rootfs$HOSTDIR/new/x" ]; then ok "dangling symlink: target directory made in the rootfs"; else fail "dangling symlink: target directory made in the rootfs"; fi

# The common real case: /etc/resolv.conf -> ../run/resolv.conf, dangling in
# the image, and a file bind-mounted on it.
echo "nameserver 192.0.2.1" >"$TMP/resolv.conf"
H=$(hostile resolv)
mkdir -p "$H/rootfs/run"
ln -sfn ../run/resolv.conf "$H/rootfs/etc/resolv.conf"
bundle_insert "$H" mounts "{\"destination\": \"/etc/resolv.conf\", \"type\": \"bind\", \"source\": \"$TMP/resolv.conf\", \"options\": [\"rbind\", \"ro\"]}"
out=$(run_in "$H" '"/bin/cat","/etc/resolv.conf"')
expect_rc "dangling /etc/resolv.conf link: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "dangling /etc/resolv.conf link: the bound file is visible" "$out" "nameserver 192.0.2.1"
if [ -f "$H/rootfs/run/resolv.conf" ]; then ok "dangling /etc/resolv.conf link: target file made in the rootfs"; else fail "dangling /etc/resolv.conf link: target file made in the rootfs"; fi

# --- bind mount under a parent that links to / -------------------------------------------------------
# A keel that followed this on the host would create /keel-it-bound-$$ there.
mkdir -p "$TMP/bindsrc"
echo from-bind >"$TMP/bindsrc/f"
H=$(hostile bindparent)
ln -s / "$H/rootfs/toroot"
bundle_insert "$H" mounts "{\"destination\": \"/toroot/keel-it-bound-$$\", \"type\": \"bind\", \"source\": \"$TMP/bindsrc\", \"options\": [\"rbind\"]}"
out=$(run_in "$H" "\"/bin/sh\",\"-c\",\"cat /keel-it-bound-$$/f; /probe mounts\"")
expect_rc "bind under a link to /: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "bind under a link to /: the bind is at /keel-it-bound-$$ inside" "$(printf '%s\n' "$out" | sed -n 1p)" from-bind
if [ -e "/keel-it-bound-$$" ]; then
	fail "bind under a link to /: nothing made in the host's /" "/keel-it-bound-$$ exists on the host"
	umount -l "/keel-it-bound-$$" 2>/dev/null
	rmdir "/keel-it-bound-$$"
else
	ok "bind under a link to /: nothing made in the host's /"
fi
if [ -d "$H/rootfs/keel-it-bound-$$" ]; then ok "bind under a link to /: mount point made in the rootfs"; else fail "bind under a link to /: mount point made in the rootfs"; fi

# --- device nodes --------------------------------------------------------------------------------
# No /dev tmpfs and rootfs/dev a link to a host directory: the node must be
# made inside the rootfs, at the link's target there (which exists in the
# rootfs too: the dangling case is covered above).
HOSTDEV=$TMP/hostdev
mkdir -p "$HOSTDEV"
H=$(hostile devlink)
rm -rf "$H/rootfs/dev"
ln -s "$HOSTDEV" "$H/rootfs/dev"
mkdir -p "$H/rootfs$HOSTDEV"
sed -i '/"destination": "\/dev"/d; s/{"destination": "\/proc", "type": "proc", "source": "proc"},/{"destination": "\/proc", "type": "proc", "source": "proc"}/' "$H/config.json"
bundle_insert "$H" linux '"devices": [{"path": "/dev/evil", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
out=$(run_in "$H" '"/probe","stat","/dev/evil"')
expect_rc "/dev linked to a host dir: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "/dev linked to a host dir: no node on the host" "$(ls -A "$HOSTDEV")" ""
expect_match "/dev linked to a host dir: the node exists inside" "$out" '^type=chr .* rdev=1,3$'
if [ -c "$H/rootfs$HOSTDEV/evil" ]; then ok "/dev linked to a host dir: node made in the rootfs"; else fail "/dev linked to a host dir: node made in the rootfs"; fi

# /dev/null planted as a link to a host file (CVE-2025-31133 class): the
# link is replaced by the node, the host file is never written or bound.
echo host-data >"$TMP/hostfile"
H=$(hostile devnull)
ln -sfn "$TMP/hostfile" "$H/rootfs/dev/null"
sed -i '/"destination": "\/dev"/d; s/{"destination": "\/proc", "type": "proc", "source": "proc"},/{"destination": "\/proc", "type": "proc", "source": "proc"}/' "$H/config.json"
bundle_insert "$H" linux '"devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
out=$(run_in "$H" '"/bin/sh","-c","echo overwritten > /dev/null; /probe stat /dev/null"')
expect_rc "/dev/null planted as a link: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "/dev/null planted as a link: host file untouched" "$(cat "$TMP/hostfile")" host-data
expect_match "/dev/null planted as a link: /dev/null is the device inside" "$out" '^type=chr .* rdev=1,3$'
expect_eq "/dev/null planted as a link: no mount on the host file" "$(host_mounts_under "$TMP/hostfile")" ""

# --- masked path that links out --------------------------------------------------------------------
# maskedPaths are applied after pivot_root, so a link can at worst point at
# another file of the container: the host file must not be masked or
# touched, the container's own copy at that path is.
echo host-secret >"$TMP/secret"
H=$(hostile masklink)
ln -s "$TMP/secret" "$H/rootfs/etc/secret-link"
mkdir -p "$H/rootfs$TMP"
echo rootfs-secret >"$H/rootfs$TMP/secret"
bundle_insert "$H" linux '"maskedPaths": ["/etc/secret-link"]'
out=$(run_in "$H" "\"/bin/sh\",\"-c\",\"echo c=\$(cat $TMP/secret | wc -c)\"")
expect_rc "masked link: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "masked link: the container's target is masked" "$out" "c=0"
expect_eq "masked link: host file untouched" "$(cat "$TMP/secret")" host-secret
expect_eq "masked link: no mount on the host file" "$(host_mounts_under "$TMP/secret")" ""

# --- nothing left on the host ----------------------------------------------------------------------
expect_eq "no mount left anywhere below $TMP" "$(host_mounts_under "$TMP")" ""
expect_eq "no mount left on the host's /keel-it-bound-$$" "$(host_mounts_under "/keel-it-bound-$$")" ""

# --- CVE-2025-31133: the container's /dev/null is not the null device -------------
# The attack: the image has no /dev tmpfs and ships /dev/null as a symlink to
# a procfs file (or any other file); masking would bind that file over the
# masked path.  keel opens /dev/null without following links and checks it.
for kind in symlink regular; do
	N=$TMP/devnull-$kind
	make_bundle "$N"
	sed -i '/"destination": "\/dev", "type": "tmpfs"/d; s|{"destination": "/proc", "type": "proc", "source": "proc"},|{"destination": "/proc", "type": "proc", "source": "proc"}|' "$N/config.json"
	mkdir -p "$N/rootfs/dev"
	rm -f "$N/rootfs/dev/null"
	if [ $kind = symlink ]; then
		ln -s /proc/sys/kernel/core_pattern "$N/rootfs/dev/null"
	else
		echo not-null >"$N/rootfs/dev/null"
	fi
	bundle_insert "$N" linux '"maskedPaths": ["/proc/timer_list", "/proc/kcore"]'
	expect_create_fails "CVE-2025-31133: /dev/null as a $kind" "$N" "the container's /dev/null is not the null device"
done

done_testing
