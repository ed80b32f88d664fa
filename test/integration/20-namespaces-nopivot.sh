#!/bin/bash
# SPDX-License-Identifier: MIT
# 20-namespaces.sh again, every container made with --no-pivot (MS_MOVE + chroot).
KEEL_NO_PIVOT=1 exec bash "$(dirname "$0")/20-namespaces.sh"
