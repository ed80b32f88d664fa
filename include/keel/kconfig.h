/* SPDX-License-Identifier: MIT */
/*
 * Included into every translation unit by the Makefile.  IS_ENABLED(CONFIG_X)
 * is a constant 1 or 0 usable in plain C "if", so both branches are compiled
 * and type-checked and the dead one is folded away, as in the kernel.
 */
#ifndef KEEL_KCONFIG_H
#define KEEL_KCONFIG_H

#include "generated/autoconf.h"

/*
 * CONFIG_X is either undefined or defined as 1.  Pasting a prefix onto its
 * expansion gives either "KC_ARG_1" (which expands to "0,") or an unknown
 * token; taking the second argument of "<that> 1, 0" then yields 1 or 0.
 */
#define KC_ARG_1 0,
#define KC_SECOND(ignored, val, ...) val
#define KC_TAKE(arg_or_junk) KC_SECOND(arg_or_junk 1, 0, 0)
#define KC_PASTE(val) KC_TAKE(KC_ARG_##val)
#define IS_ENABLED(option) KC_PASTE(option)

#endif
