#!/bin/bash
# SPDX-License-Identifier: MIT
# 10-lifecycle.sh again with keel installed under the name "runc" (a
# symlink), as some embedded images expect: it must behave identically.
d=$(mktemp -d /tmp/keel-as-runc.XXXXXX)
trap 'rm -rf "$d"' EXIT
ln -s "$KEEL" "$d/runc"
KEEL="$d/runc" bash "$(dirname "$0")/10-lifecycle.sh"
