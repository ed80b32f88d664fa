#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Convert a Docker/podman seccomp profile (containers-common's
/usr/share/containers/seccomp.json) to the OCI linux.seccomp object, as
podman does before it calls the runtime:

    seccomp-oci.py PROFILE ARCH [CAP...]  > linux.seccomp JSON

ARCH is an SCMP_ARCH_* name (the archMap entry picks it and its
sub-architectures); CAPs are the container's capabilities (entries
"include"d for a capability are kept only if the container has it,
"exclude"d ones only if it has not).  minKernel is checked against the
running kernel."""
import json
import os
import sys


def kernel_at_least(want):
    have = os.uname().release.split('-')[0].split('.')
    want = want.split('.')
    return [int(x) for x in have[:2]] >= [int(x) for x in want[:2]]


# includes/excludes name architectures as Go does (runtime.GOARCH)
GOARCH = {'SCMP_ARCH_X86_64': 'amd64', 'SCMP_ARCH_X86': '386', 'SCMP_ARCH_X32': 'x32',
          'SCMP_ARCH_AARCH64': 'arm64', 'SCMP_ARCH_ARM': 'arm',
          'SCMP_ARCH_RISCV64': 'riscv64'}


def keep(rule, arch, caps):
    inc, exc = rule.get('includes') or {}, rule.get('excludes') or {}
    goarch = GOARCH.get(arch, arch)
    if inc.get('caps') and not all(c in caps for c in inc['caps']):
        return False
    if inc.get('arches') and goarch not in inc['arches']:
        return False
    if inc.get('minKernel') and not kernel_at_least(inc['minKernel']):
        return False
    if exc.get('caps') and any(c in caps for c in exc['caps']):
        return False
    if exc.get('arches') and goarch in exc['arches']:
        return False
    return True


def convert(profile, arch, caps):
    out = {'defaultAction': profile['defaultAction']}
    if 'defaultErrnoRet' in profile:
        out['defaultErrnoRet'] = profile['defaultErrnoRet']
    for m in profile.get('archMap') or []:
        if m['architecture'] == arch:
            out['architectures'] = [arch] + (m.get('subArchitectures') or [])
    out['syscalls'] = []
    for r in profile.get('syscalls') or []:
        if not keep(r, arch, caps):
            continue
        names = r.get('names') or ([r['name']] if r.get('name') else [])
        o = {'names': names, 'action': r['action']}
        if r.get('args'):
            o['args'] = r['args']
        if r.get('errnoRet') is not None:
            o['errnoRet'] = r['errnoRet']
        out['syscalls'].append(o)
    return out


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit('usage: seccomp-oci.py PROFILE ARCH [CAP...]')
    with open(sys.argv[1]) as f:
        json.dump(convert(json.load(f), sys.argv[2], sys.argv[3:]), sys.stdout)
