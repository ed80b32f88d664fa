################################################################################
#
# keel
#
################################################################################

# This BR2_EXTERNAL tree lives in keel's source tree (contrib/buildroot), so
# the package builds that tree.  KEEL_OVERRIDE_SRCDIR (local.mk) points it
# elsewhere.
KEEL_VERSION = 0.1.0
KEEL_SITE = $(realpath $(BR2_EXTERNAL_KEEL_PATH)/../..)
KEEL_SITE_METHOD = local
KEEL_LICENSE = MIT

KEEL_DEPENDENCIES = cjson host-pkgconf
ifeq ($(BR2_PACKAGE_KEEL_SECCOMP),y)
KEEL_DEPENDENCIES += libseccomp
endif

# keel's bool options, each set from BR2_PACKAGE_KEEL_<name> (Config.in).
KEEL_BOOL_OPTS = SPEC_TEMPLATE USERNS CONSOLE PROC_ATTRS MOUNT_IDMAP \
	CGROUP_V1 CGROUP_V2 FREEZER EXEC HOOKS EVENTS UPDATE SECCOMP SECCOMP_NOTIFY

# KEEL_DEPS=system: no scripts/deps.sh; cJSON and libseccomp come from
# $(STAGING_DIR) through Buildroot's pkg-config, the compiler and its flags
# from Buildroot's toolchain.  Static unless the toolchain has no static
# libraries.
KEEL_MAKE_OPTS = \
	KEEL_DEPS=system \
	KEEL_STATIC=$(if $(BR2_SHARED_LIBS),n,y) \
	CROSS_COMPILE="$(TARGET_CROSS)" \
	CC="$(TARGET_CC)" \
	CFLAGS="$(TARGET_CFLAGS)" \
	LDFLAGS="$(TARGET_LDFLAGS)" \
	PKG_CONFIG="$(PKG_CONFIG_HOST_BINARY)"

ifeq ($(BR2_PACKAGE_KEEL_CUSTOM_CONFIG),y)
KEEL_CONFIG_FILE = $(call qstrip,$(BR2_PACKAGE_KEEL_CUSTOM_CONFIG_FILE))
define KEEL_CONFIGURE_CMDS
	$(INSTALL) -m 0644 $(KEEL_CONFIG_FILE) $(@D)/.config
endef
else
# The whole .config, as keel's "make" takes it without any Kconfig tool.
# CONFIG_ARCH only names the target; the compiler is Buildroot's.
define KEEL_CONFIGURE_CMDS
	{ \
		echo 'CONFIG_ARCH="$(BR2_ARCH)"'; \
		echo 'CONFIG_CROSS_COMPILE="$(TARGET_CROSS)"'; \
		echo 'CONFIG_OPTIMIZE_$(if $(BR2_OPTIMIZE_S),SIZE,PERFORMANCE)=y'; \
		echo 'CONFIG_DEFAULT_ROOT=$(BR2_PACKAGE_KEEL_DEFAULT_ROOT)'; \
		$(foreach o,$(KEEL_BOOL_OPTS),echo '$(if $(BR2_PACKAGE_KEEL_$(o)),CONFIG_$(o)=y,# CONFIG_$(o) is not set)';) \
	} >$(@D)/.config
endef
endif

define KEEL_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(KEEL_MAKE_OPTS) all
endef

define KEEL_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(KEEL_MAKE_OPTS) \
		DESTDIR=$(TARGET_DIR) PREFIX=/usr install
endef

$(eval $(generic-package))
