# keel: top-level Makefile.
#
# Kbuild-like: Kconfig writes .config; each directory's Kbuild file lists its
# objects as obj-y / obj-$(CONFIG_X); this file collects them, builds the
# static musl dependencies once per architecture, and links one binary.
#
#   make [O=dir] <name>_defconfig | defconfig | menuconfig | ...
#   make [O=dir] [V=1]            build $(O)/keel
#   make check                    unit + integration tests (as root)
#   make install [DESTDIR=] [PREFIX=/usr/local]
#   make KEEL_DEPS=system         libseccomp and cJSON through pkg-config, from
#                                 the caller's sysroot (Buildroot), with the
#                                 caller's CC/CROSS_COMPILE/CFLAGS/LDFLAGS
#   make help                     everything else

KEEL_VERSION := 0.1.0
OCI_SPEC_VERSION := 1.2.0

MAKEFLAGS += --no-print-directory -rR
.SUFFIXES:

srctree := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
O ?= $(srctree)
objtree := $(abspath $(O))
KCONFIG_CONFIG := $(objtree)/.config
export srctree KEEL_VERSION KCONFIG_CONFIG

# Outputs and caches of the dependency build, shared by every O= of one tree.
KEEL_OUT ?= $(srctree)/out
DL_DIR ?= $(KEEL_OUT)/dl

PYTHON ?= /usr/bin/python3
V ?= 0
ifeq ($(V),1)
Q :=
quiet = @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

# ---------------------------------------------------------------------------
# Configuration targets: these never read .config as a makefile.
config-targets := config menuconfig defconfig %_defconfig olddefconfig \
		  oldconfig savedefconfig allnoconfig allyesconfig listnewconfig
kconfig-py = $(PYTHON) -c 'import kconfiglib' 2>/dev/null
KCONF = cd $(srctree) && KCONFIG_CONFIG=$(KCONFIG_CONFIG) $(PYTHON) -m

# A defconfig may live in configs/ or board/<name>/ (Buildroot's layout).
defconfig-file = $(firstword $(wildcard $(srctree)/configs/$(1) \
		   $(srctree)/board/$(patsubst %_defconfig,%,$(1))/defconfig))

goals := $(if $(MAKECMDGOALS),$(MAKECMDGOALS),all)
mixed := $(and $(filter $(config-targets),$(goals)),$(filter-out $(config-targets),$(goals)))

ifneq ($(mixed),)
# "make defconfig all": run each goal in its own make, in order, as Kbuild does.
$(goals): __sequential ; @:
__sequential:
	$(Q)set -e; for g in $(goals); do $(MAKE) -f $(srctree)/Makefile $$g; done
.PHONY: __sequential $(goals)

else ifneq ($(filter $(config-targets),$(goals)),)

config-tools:
	$(Q)$(kconfig-py) || $(srctree)/scripts/host-packages.sh
	$(Q)mkdir -p $(objtree)

menuconfig config oldconfig olddefconfig allnoconfig allyesconfig listnewconfig: config-tools
	$(Q)$(KCONF) $@ Kconfig

do-defconfig = f='$(call defconfig-file,$@)'; \
	if [ -z "$$f" ]; then echo "*** no configs/$@ and no board/$(@:%_defconfig=%)/defconfig" >&2; exit 1; fi; \
	$(KCONF) defconfig --kconfig Kconfig "$$f"

defconfig: config-tools
	$(Q)$(do-defconfig)

%_defconfig: config-tools
	$(Q)$(do-defconfig)

savedefconfig: config-tools
	$(Q)$(KCONF) savedefconfig --kconfig Kconfig --out $(objtree)/defconfig

.PHONY: config-tools $(config-targets)

else
# ---------------------------------------------------------------------------
# Build targets.

all:

ifeq ($(wildcard $(KCONFIG_CONFIG)),)
# No .config yet: take configs/defconfig, so "make" on a fresh clone works.
$(KCONFIG_CONFIG):
	$(quiet) CONFIG "no .config: using configs/defconfig"
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(objtree) defconfig
endif

# include/config/auto.conf is remade from .config (make then restarts with the
# new values).  With kconfiglib present, .config is first brought up to date
# with the Kconfig files (like the kernel's syncconfig); without it, .config is
# taken as it is, as Buildroot hands it over.
kconfig-files := $(srctree)/Kconfig $(wildcard $(srctree)/*/Kconfig)
autoconf := $(objtree)/include/generated/autoconf.h
auto.conf := $(objtree)/include/config/auto.conf

$(auto.conf): $(KCONFIG_CONFIG) $(kconfig-files) $(srctree)/scripts/conf2h.awk
	$(Q)mkdir -p $(dir $@) $(dir $(autoconf))
	$(Q)if $(kconfig-py); then $(KCONF) olddefconfig Kconfig >/dev/null; fi
	$(quiet) GEN $(autoconf:$(objtree)/%=%)
	$(Q)awk -f $(srctree)/scripts/conf2h.awk $(KCONFIG_CONFIG) >$(autoconf).tmp
	$(Q)mv $(autoconf).tmp $(autoconf)
	$(Q)grep '^CONFIG_' $(KCONFIG_CONFIG) >$@.tmp || true
	$(Q)mv $@.tmp $@

-include $(auto.conf)

unquote = $(patsubst "%",%,$(1))
ARCH := $(or $(call unquote,$(CONFIG_ARCH)),x86_64)
CROSS_COMPILE ?= $(call unquote,$(CONFIG_CROSS_COMPILE))
SYSROOT := $(KEEL_OUT)/sysroot/$(ARCH)
build := $(objtree)/build

CC := $(CROSS_COMPILE)gcc
AR := $(CROSS_COMPILE)ar
STRIP := $(CROSS_COMPILE)strip

# KEEL_DEPS=keel (default): scripts/deps.sh builds musl, cJSON and libseccomp
# into $(SYSROOT) and keel.specs turns $(CC) into a static musl compiler.
# KEEL_DEPS=system: the caller's toolchain is already the target's (musl), and
# pkg-config (PKG_CONFIG_SYSROOT_DIR, PKG_CONFIG_LIBDIR) finds the libraries
# the caller built; deps.sh and $(KEEL_OUT) are not touched.  KEEL_STATIC=n
# links dynamically (a toolchain without static libraries).
KEEL_DEPS ?= keel
KEEL_STATIC ?= y
PKG_CONFIG ?= pkg-config
ifeq ($(KEEL_DEPS),system)
specs :=
static := $(if $(filter y,$(KEEL_STATIC)),-static)
pc-pkgs := libcjson $(if $(CONFIG_SECCOMP),libseccomp)
pc-cflags := $(shell $(PKG_CONFIG) --cflags $(pc-pkgs) || echo '?')
pc-libs := $(shell $(PKG_CONFIG) $(if $(static),--static) --libs $(pc-pkgs) || echo '?')
ifneq ($(filter ?,$(pc-cflags) $(pc-libs)),)
ifeq ($(filter clean help,$(goals)),)
$(error KEEL_DEPS=system: $(PKG_CONFIG) does not find $(pc-pkgs) (set PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR))
endif
endif
deps-prereq :=
else ifeq ($(KEEL_DEPS),keel)
specs := -specs=$(SYSROOT)/keel.specs
static := -static
deps-prereq = $(deps-stamp)
else
$(error KEEL_DEPS=$(KEEL_DEPS): "keel" (scripts/deps.sh) or "system" (pkg-config))
endif

# -Oz (gcc 12): -Os that also trades speed for size in its heuristics
OPT := $(if $(CONFIG_OPTIMIZE_SIZE),-Oz,-O2)
KEEL_CFLAGS := $(specs) $(static) -fno-pie -std=gnu11 $(OPT) -g $(pc-cflags) \
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wshadow -Wformat=2 -Wno-format-truncation -Wundef -Werror=implicit-function-declaration \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-jump-tables \
	-fno-unwind-tables -fno-stack-protector -fno-ident \
	-D_GNU_SOURCE -Ulinux -I$(srctree) -I$(objtree)/include \
	-include $(srctree)/include/keel/kconfig.h
KEEL_LDFLAGS := $(specs) $(static) -no-pie -Wl,--gc-sections \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,-z,common-page-size=64
LIBS := $(or $(pc-libs),$(if $(CONFIG_SECCOMP),-lseccomp) -lcjson)
CFLAGS ?=
LDFLAGS ?=

# --- collect objects from the Kbuild fragments -----------------------------
# $(call kbuild-dir,prefix): read prefix/Kbuild; objects join keel-objs,
# subdirectories ("dir/") are read the same way.
keel-objs :=
define kbuild-dir
obj-y :=
include $(srctree)/$(1)Kbuild
$(1)objs := $$(filter %.o,$$(obj-y))
$(1)dirs := $$(filter %/,$$(obj-y))
keel-objs += $$(addprefix $(1),$$($(1)objs))
$$(foreach d,$$($(1)dirs),$$(eval $$(call kbuild-dir,$(1)$$(d))))
endef
$(eval $(call kbuild-dir,))

objs := $(addprefix $(build)/,$(keel-objs))
lib-objs := $(filter-out $(build)/runtime.o,$(objs))

# --- dependencies ----------------------------------------------------------
deps-stamp := $(SYSROOT)/.stamp-deps-$(ARCH)
$(deps-stamp): $(srctree)/scripts/deps.sh
	$(Q)$(srctree)/scripts/host-packages.sh $(ARCH)
	$(Q)$(srctree)/scripts/deps.sh $(ARCH) $(SYSROOT) $(DL_DIR) $(KEEL_OUT)/work/$(ARCH) $(CROSS_COMPILE)
	$(Q)touch $@

deps:
	$(Q)rm -f $(deps-stamp)
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(objtree) $(deps-stamp)

# --- compile and link ------------------------------------------------------
version-h := $(objtree)/include/generated/version.h
$(version-h): FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)c=$$(git -C $(srctree) rev-parse -q --verify HEAD 2>/dev/null || echo unknown); \
	d=$$(git -C $(srctree) status --porcelain 2>/dev/null | grep -qv '^??' && echo -dirty); \
	printf '#define KEEL_VERSION "%s"\n#define KEEL_COMMIT "%s%s"\n#define OCI_SPEC_VERSION "%s"\n' \
		'$(KEEL_VERSION)' "$$c" "$$d" '$(OCI_SPEC_VERSION)' >$@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(build)/runtime.o: $(version-h)

# Rebuild when the flags change, not only when sources do (Kbuild's .cmd files).
define flags-file
$(build)/.$(1): FORCE
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)printf '%s\n' '$$(strip $(2))' >$$@.tmp; cmp -s $$@.tmp $$@ && rm -f $$@.tmp || mv $$@.tmp $$@
endef
$(eval $(call flags-file,cflags,$(CC) $(KEEL_CFLAGS) $(CFLAGS)))
$(eval $(call flags-file,ldflags,$(CC) $(KEEL_LDFLAGS) $(LDFLAGS) $(LIBS)))

$(build)/%.o: $(srctree)/%.c $(auto.conf) $(build)/.cflags | $(deps-prereq)
	$(quiet) CC $(@:$(build)/%=%)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KEEL_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(build)/libkeel.a: $(lib-objs)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# Objects, not the archive: lib/strtod.o must win over musl's strtod for cJSON.
$(build)/keel.unstripped: $(objs) $(build)/.ldflags
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(CC) $(KEEL_LDFLAGS) $(LDFLAGS) -o $@ $(filter-out $(build)/.ldflags,$^) $(LIBS)

# .eh_frame goes too: keel is C without unwinding (no C++, no backtraces,
# musl cancels threads without it); musl's libc.a brings ~5 KiB of it.
$(objtree)/keel: $(build)/keel.unstripped
	$(quiet) STRIP keel
	$(Q)$(STRIP) --strip-all -R .comment -R .note -R .eh_frame -o $@ $<

all: $(objtree)/keel

size: $(objtree)/keel
	@printf '%s (%s): %s bytes stripped (%s KiB)\n' '$<' '$(ARCH)' \
		"$$(stat -c %s $<)" "$$(( ($$(stat -c %s $<) + 1023) / 1024 ))"

# --- install ---------------------------------------------------------------
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man

install: $(objtree)/keel
	$(quiet) INSTALL "$(DESTDIR)$(SBINDIR)/keel"
	$(Q)install -D -m 0755 $< $(DESTDIR)$(SBINDIR)/keel
	$(Q)install -D -m 0644 $(srctree)/docs/keel.8 $(DESTDIR)$(MANDIR)/man8/keel.8

# --- tests -----------------------------------------------------------------
unit-srcs := $(wildcard $(srctree)/test/unit/*_test.c)
unit-bins := $(patsubst $(srctree)/test/unit/%.c,$(build)/test/unit/%,$(unit-srcs))
# static helpers the integration tests run: probe (inside containers),
# listener (a seccomp notify listener)
test-bins := $(patsubst $(srctree)/test/%.c,$(build)/test/%,\
	$(wildcard $(srctree)/test/probe.c $(srctree)/test/listener.c))

# test/unit/<subsystem>_test.c links against that subsystem's objects and
# lib/ only, so a unit test cannot lean on the rest of keel.
# ($(pct) because a literal % here would be taken for the rule's stem)
pct := %
.SECONDEXPANSION:
$(build)/test/unit/%_test: $(build)/test/unit/%_test.o \
		$$(filter $(build)/$$*/$$(pct) $(build)/lib/$$(pct),$(lib-objs))
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(CC) $(KEEL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(build)/test/probe: $(build)/test/probe.o
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(CC) $(KEEL_LDFLAGS) $(LDFLAGS) -o $@ $^

$(build)/test/listener: $(build)/test/listener.o
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(CC) $(KEEL_LDFLAGS) $(LDFLAGS) -o $@ $^

.SECONDARY: $(unit-bins:=.o) $(build)/test/probe.o $(build)/test/listener.o

tests: $(objtree)/keel $(unit-bins) $(test-bins)

# A second keel built with allnoconfig: the tests check that what it lacks is
# refused, not ignored.
allno := $(build)/allnoconfig
$(allno)/keel: FORCE
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(allno) allnoconfig >/dev/null
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(allno) all

# 06-buildroot builds keel for aarch64 against a staging copy of the aarch64
# sysroot, and runs it under qemu-aarch64-static: "make check" makes both
# (the cross compiler and QEMU from Debian, the sysroot by scripts/deps.sh,
# once; a later check only sees the stamp).  CHECK_CROSS= leaves them out,
# and the test then skips with the reason.
CHECK_CROSS ?= aarch64
cross-sysroot-stamps := $(foreach a,$(CHECK_CROSS),$(KEEL_OUT)/sysroot/$(a)/.stamp-deps-$(a))
$(KEEL_OUT)/sysroot/%/.stamp-deps-aarch64:
	$(Q)$(srctree)/scripts/host-packages.sh aarch64 qemu-user
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(KEEL_OUT)/check-aarch64 qemu-aarch64_defconfig >/dev/null
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(KEEL_OUT)/check-aarch64 $@

check-keel = $(objtree)/keel
check: tests $(allno)/keel $(cross-sysroot-stamps)
	$(Q)KEEL=$(check-keel) BUILD=$(build) ARCH=$(ARCH) CONFIG=$(KCONFIG_CONFIG) \
		KEEL_ALLNO=$(allno)/keel $(srctree)/test/run $(TESTS)

# QEMU boards (board/README.md): cross-build keel with the board's defconfig,
# boot the guest with cgroup v2 and v1 and run the suite inside it.
#   make board-check [BOARD=qemu-aarch64|qemu-armv7|qemu-riscv64|all] [TESTS=...]
BOARD ?= all
board-check:
	$(Q)KEEL_OUT=$(KEEL_OUT) $(srctree)/scripts/board-check.sh $(BOARD) $(TESTS)

# keel against the kernel's floor inside the guest (cgroup v2): N sequential
# runs, ROUNDS times; figures in $(KEEL_OUT)/bench/board-<arch>.txt, which
# "make bench" adds to docs/bench.md.
#   make board-bench [BOARD=qemu-aarch64] [BENCH_N=20] [BENCH_ROUNDS=10]
BENCH_N ?= 20
BENCH_ROUNDS ?= 10
board-bench:
	$(Q)KEEL_OUT=$(KEEL_OUT) $(srctree)/scripts/board-bench.sh \
		$(if $(filter all,$(BOARD)),qemu-aarch64,$(BOARD)) $(BENCH_N) $(BENCH_ROUNDS)

.PHONY: board-check board-bench

demo: $(objtree)/keel
	$(Q)KEEL=$(objtree)/keel $(srctree)/scripts/demo.sh

# --- host builds with sanitizers: fuzzing and ASan/UBSan unit tests ---------
# libFuzzer and the sanitizer runtimes need glibc, so these are built for the
# build host with Debian's clang, from keel's sources and this .config's
# autoconf.h; cJSON is compiled from its unpacked Debian source.
#   make fuzz [FUZZ_TIME=60] [FUZZ_JOBS=n] [FUZZ_TARGETS="spec state"]
#   make san-tests [SANITIZE=address,undefined]   ("make check" runs them)
#   make check SANITIZE=address,undefined   the integration tests on a whole
#                                 keel built so (below: san-keel)
HOSTCLANG ?= clang
HOSTAR ?= ar
SANITIZE ?= address,undefined
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_TARGETS ?= spec state
cjson-src := $(DL_DIR)/cjson-src
host-inc := $(build)/host-include
HOST_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-D_GNU_SOURCE -Ulinux -I$(srctree) -I$(objtree)/include -I$(host-inc) \
	-include $(srctree)/include/keel/kconfig.h
san-flags := $(if $(SANITIZE),-fsanitize=$(SANITIZE))
fuzz-flags := -fsanitize=fuzzer-no-link,address,undefined -ffunction-sections -fdata-sections
san := $(build)/asan
fuzz := $(build)/fuzz

# Only the pure subsystems: the seccomp and cg tests would need a glibc
# libseccomp and the host's cgroups.
san-units := lib spec
# lib/malloc.o replaces musl's allocator; the sanitizers bring their own.
host-skip := lib/malloc.o
san-objs := $(addprefix $(san)/,$(filter-out $(host-skip),$(filter lib/% spec/%,$(keel-objs))))
san-bins := $(san-units:%=$(san)/test/unit/%_test)
# The fuzz targets link against an archive, and with --gc-sections, so each
# needs only what it reaches: fuzz_state takes ctr_parse_state() from
# cmd/container.o without the rest of cmd/ that other functions there call.
# (start-stop-gc: libFuzzer's __start___sancov_* references must not keep
# every instrumented function alive.)
fuzz-objs := $(addprefix $(fuzz)/,$(filter-out $(host-skip),$(filter lib/% spec/% cg/%,$(keel-objs))) cmd/container.o)
fuzz-bins := $(FUZZ_TARGETS:%=$(fuzz)/fuzz_%)

# Debian's cJSON source comes with the dependency build ("make deps").
$(cjson-src)/cJSON.c $(cjson-src)/cJSON.h: | $(deps-stamp)
	$(Q)[ -f $@ ] || $(MAKE) -f $(srctree)/Makefile O=$(objtree) deps

# spec/ includes <cjson/cJSON.h>, as installed in the musl sysroot.
$(host-inc)/cjson/cJSON.h: $(cjson-src)/cJSON.h
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

# $(call host-build,DIR,FLAGS-VARIABLE): compile rules for objects in DIR.
define host-build
$(1)/%.o: $(srctree)/%.c $(auto.conf) $(build)/.cflags-$(notdir $(1)) $(host-inc)/cjson/cJSON.h
	$$(quiet) CLANG $$(@:$(build)/%=%)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCLANG) $$(HOST_CFLAGS) $$($(2)) -MMD -MP -c $$< -o $$@
$(1)/cJSON.o: $(cjson-src)/cJSON.c $(build)/.cflags-$(notdir $(1))
	$$(quiet) CLANG $$(@:$(build)/%=%)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCLANG) -std=gnu11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
		$$($(2)) -c $$< -o $$@
$(1)/libcjson.a: $(1)/cJSON.o
	$$(Q)rm -f $$@ && $$(HOSTAR) rcs $$@ $$^
endef
$(eval $(call host-build,$(san),san-flags))
$(eval $(call host-build,$(fuzz),fuzz-flags))
$(eval $(call flags-file,cflags-asan,$(HOSTCLANG) $(HOST_CFLAGS) $(san-flags)))
$(eval $(call flags-file,cflags-fuzz,$(HOSTCLANG) $(HOST_CFLAGS) $(fuzz-flags)))

host-clang:
	$(Q)command -v $(HOSTCLANG) >/dev/null 2>&1 || $(srctree)/scripts/host-packages.sh
	$(Q)command -v $(HOSTCLANG) >/dev/null 2>&1 || \
		{ echo "*** $(HOSTCLANG) not found: run scripts/host-packages.sh as root" >&2; exit 1; }

# As the musl unit tests: <subsystem>_test links that subsystem and lib/.
$(san)/test/unit/%_test: $(san)/test/unit/%_test.o \
		$$(filter $(san)/$$*/$$(pct) $(san)/lib/$$(pct),$(san-objs)) $(san)/libcjson.a
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(HOSTCLANG) $(san-flags) -o $@ $^

san-tests: | host-clang
	$(Q)$(if $(SANITIZE),$(MAKE) -f $(srctree)/Makefile O=$(objtree) $(san-bins), \
		echo "SANITIZE is empty: no sanitizer builds")

# "make check" runs the sanitizer builds too, when clang is there.  A build
# failure does not stop the suite: test/run counts a missing binary as failed.
# (Looked up when the recipes run, after the dependency build has installed
# the host packages, and without a shell: every recipe under check sees it.)
san-reason = $(strip $(if $(SANITIZE),$(if $(wildcard $(HOSTCLANG) $(addsuffix /$(HOSTCLANG),$(subst :, ,$(PATH)))),,\
	$(HOSTCLANG) not found (scripts/host-packages.sh installs it)),SANITIZE is empty))
check-san: | $(deps-stamp)
	$(Q)$(if $(san-reason),:,$(MAKE) -f $(srctree)/Makefile O=$(objtree) $(san-bins) || \
		echo "*** sanitizer unit tests failed to build" >&2)
check: check-san
check: export KEEL_SAN_BUILD = $(san)
check: export KEEL_SAN_UNITS = $(san-units:%=%_test)
check: export KEEL_SAN_SKIP = $(san-reason)

# SANITIZE given on the command line ("make check SANITIZE=address,undefined")
# also builds a whole keel with them, for glibc with clang, dynamically
# linked, and runs the integration tests against it instead of the static
# musl keel (test/run: KEEL_SANITIZED=1).  Its libseccomp is the same Debian
# source as the musl one, configured for the host into san-keel/ and left
# uninstrumented (not keel's code; its allocations still go through the
# sanitizer's malloc): keel itself keeps musl, cJSON and libseccomp only.
san-keel := $(if $(filter command line,$(origin SANITIZE)),$(SANITIZE))
sk := $(build)/san-keel
sk-objs := $(addprefix $(sk)/,$(filter-out $(host-skip),$(keel-objs)))
sk-seccomp := $(if $(CONFIG_SECCOMP),$(sk)/lib/libseccomp.a)
sk-flags = $(san-flags) -I$(sk)/include
$(eval $(call host-build,$(sk),sk-flags))
$(eval $(call flags-file,cflags-san-keel,$(HOSTCLANG) $(HOST_CFLAGS) $(sk-flags)))
$(sk)/runtime.o: $(version-h)
$(sk-objs) $(sk)/test/san-keel.o: | host-clang $(sk-seccomp)

$(DL_DIR)/libseccomp-src/configure: | $(deps-stamp)
	$(Q)[ -f $@ ] || $(MAKE) -f $(srctree)/Makefile O=$(objtree) deps

$(sk)/lib/libseccomp.a: $(DL_DIR)/libseccomp-src/configure | host-clang
	$(quiet) SECCOMP "$(@:$(objtree)/%=%) (host, glibc)"
	$(Q)rm -rf $(sk)/libseccomp && mkdir -p $(sk)/lib $(sk)/include && \
		cp -a $(dir $<) $(sk)/libseccomp && cd $(sk)/libseccomp && \
		{ ./configure --enable-static --disable-shared --disable-python \
			CC=$(HOSTCLANG) CFLAGS='-O1 -g' && $(MAKE) -C src libseccomp.la; } \
		>$(sk)/libseccomp.log 2>&1 || \
		{ echo "*** libseccomp host build failed: see $(sk)/libseccomp.log" >&2; exit 1; }
	$(Q)cp $(sk)/libseccomp/include/seccomp.h $(sk)/libseccomp/include/seccomp-syscalls.h \
		$(sk)/include/
	$(Q)cp $(sk)/libseccomp/src/.libs/libseccomp.a $@ && rm -rf $(sk)/libseccomp

# test/san-keel.c: what keel keeps until exit on purpose is no leak to LSan.
$(sk)/keel: $(sk-objs) $(sk)/test/san-keel.o $(sk)/libcjson.a $(sk-seccomp)
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(HOSTCLANG) $(san-flags) -Wl,--wrap=path_absolute -o $@ $^

san-keel: | host-clang
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(objtree) SANITIZE='$(SANITIZE)' $(sk)/keel

ifneq ($(san-keel),)
check: san-keel
check: export KEEL_SANITIZED = 1
check-keel := $(sk)/keel
endif

$(fuzz)/libkeel.a: $(fuzz-objs) $(fuzz)/cJSON.o
	$(Q)rm -f $@ && $(HOSTAR) rcs $@ $^

$(fuzz)/fuzz_%: $(fuzz)/test/fuzz/fuzz_%.o $(fuzz)/libkeel.a
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(HOSTCLANG) -fsanitize=fuzzer,address,undefined -Wl,--gc-sections,-z,start-stop-gc \
		-o $@ $^

# Every quoted name in spec/ is a word worth trying.
$(fuzz)/spec.dict: $(srctree)/test/fuzz/spec.dict $(wildcard $(srctree)/spec/*.c)
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat $<; grep -ohE '"[A-Za-z_][A-Za-z0-9_.=-]*"' $(srctree)/spec/*.c | sort -u | \
		sed 's/^"\(.*\)"$$/"\\"\1\\""/'; } >$@
$(fuzz)/state.dict: $(srctree)/test/fuzz/state.dict
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

fuzz-seeds-spec := $(srctree)/test/fuzz/corpus/spec $(srctree)/bench/config-5k.json
fuzz-seeds-state := $(srctree)/test/fuzz/corpus/state

# Each target runs FUZZ_TIME seconds; all run even when one finds a bug.
fuzz: $(fuzz-bins) $(FUZZ_TARGETS:%=$(fuzz)/%.dict)
	$(Q)rc=0; $(foreach t,$(FUZZ_TARGETS),$(srctree)/test/fuzz/run.sh $(t) $(fuzz)/fuzz_$(t) \
		$(fuzz) $(FUZZ_TIME) $(FUZZ_JOBS) $(fuzz)/$(t).dict $(fuzz-seeds-$(t)) || rc=1;) exit $$rc

$(fuzz-objs) $(fuzz)/cJSON.o $(FUZZ_TARGETS:%=$(fuzz)/test/fuzz/fuzz_%.o) \
	$(san-objs) $(san)/cJSON.o $(san-bins:=.o): | host-clang

.SECONDARY: $(san-bins:=.o) $(FUZZ_TARGETS:%=$(fuzz)/test/fuzz/fuzz_%.o)

# --- parse benchmark: the same musl objects and flags as keel --------------
BENCH_N ?= 5000
$(build)/bench/parse: $(build)/bench/parse.o $(build)/libkeel.a $(build)/.ldflags
	$(quiet) LD $(@:$(objtree)/%=%)
	$(Q)$(CC) $(KEEL_LDFLAGS) $(LDFLAGS) -o $@ $(filter-out $(build)/.ldflags,$^) $(LIBS)

.SECONDARY: $(build)/bench/parse.o

# keel against crun, runc and the kernel's floor (bench/run.sh): writes
# docs/bench.md and docs/bench.svg.  Results stay in $(KEEL_OUT)/bench.
bench: $(objtree)/keel
	$(Q)$(srctree)/scripts/host-packages.sh bench
	$(Q)mkdir -p $(KEEL_OUT)/bench
	$(Q)$(srctree)/bench/size.sh --arches >$(KEEL_OUT)/bench/sizes.md || true
	$(Q)$(srctree)/bench/run.sh $(objtree)/keel $(KEEL_OUT)/bench
	$(Q)/usr/bin/python3 $(srctree)/bench/report.py $(KEEL_OUT)/bench \
		$(KEEL_OUT)/bench/sizes.md $(srctree)/docs
	@echo 'bench: docs/bench.md and docs/bench.svg written'

bench-parse: $(build)/bench/parse
	$(Q)$< $(srctree)/bench/config-5k.json $(BENCH_N)

-include $(san-objs:.o=.d) $(fuzz-objs:.o=.d) $(sk-objs:.o=.d) $(san)/test/unit/*.d $(fuzz)/test/fuzz/*.d \
	$(build)/bench/parse.d

.PHONY: host-clang san-tests check-san san-keel fuzz bench bench-parse

clean:
	$(Q)rm -rf $(build) $(objtree)/keel

distclean: clean
	$(Q)rm -rf $(KEEL_OUT) $(objtree)/include/generated $(objtree)/include/config \
		$(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old

help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' $(srctree)/Makefile
	@echo 'Configuration: defconfig <name>_defconfig menuconfig olddefconfig savedefconfig'
	@echo '               allnoconfig allyesconfig      (configs/, board/<name>/)'
	@echo 'Build:         all deps size tests install clean distclean'
	@echo 'Test:          check [TESTS="pattern..."] demo'
	@echo '               board-check [BOARD=qemu-aarch64|qemu-armv7|qemu-riscv64|all] [TESTS=...]'
	@echo '               board-bench [BOARD=qemu-aarch64] [BENCH_N=20] [BENCH_ROUNDS=10]'
	@echo 'Host (clang):  fuzz [FUZZ_TIME=s FUZZ_JOBS=n] san-tests [SANITIZE=...]; bench bench-parse'
	@echo '               check SANITIZE=address,undefined (integration tests on san-keel)'

-include $(objs:.o=.d) $(build)/test/unit/*.d $(build)/test/probe.d $(build)/test/listener.d

.PHONY: all deps size tests install check demo clean distclean help FORCE
endif
