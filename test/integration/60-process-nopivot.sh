#!/bin/bash
# SPDX-License-Identifier: MIT
# 60-process.sh again, every container made with --no-pivot (MS_MOVE + chroot).
KEEL_NO_PIVOT=1 exec bash "$(dirname "$0")/60-process.sh"
