#!/bin/bash
# SPDX-License-Identifier: MIT
# 80-mount-safety.sh again, keel run with close_range and openat2 answering ENOSYS
# (test/lib.sh KEEL_T_ENOSYS): the fd-closing walk and the in-root path walk
# that kernels before 5.11 and 5.6 get.
KEEL_T_ENOSYS=1 exec bash "$(dirname "$0")/80-mount-safety.sh"
