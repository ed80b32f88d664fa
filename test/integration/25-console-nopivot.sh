#!/bin/bash
# SPDX-License-Identifier: MIT
# 25-console.sh again, every container made with --no-pivot (MS_MOVE + chroot).
KEEL_NO_PIVOT=1 exec bash "$(dirname "$0")/25-console.sh"
