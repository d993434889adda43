# SPDX-License-Identifier: Apache-2.0
# packaging: install rules for the system layout and the CPack .deb (docs/install.md).
#
#   cmake --install build --prefix /usr            # DESTDIR=... respected
#   (cd build && cpack -G DEB)                     # slawatch_<version>_<arch>.deb
#
# The binary's own rule is in cli/CMakeLists.txt (bin/). tcmpp-sim is a test
# tool and is not installed.

include(GNUInstallDirs)

set(SLAWATCH_UNIT_DIR "lib/systemd/system" CACHE STRING "Where the systemd unit goes, below the prefix")

install(FILES systemd/slawatch.service DESTINATION ${SLAWATCH_UNIT_DIR})
# One daemon (and ship timer) per contract: slawatch@NAME (docs/systemd.md).
install(FILES systemd/slawatch@.service systemd/slawatch-ship@.service systemd/slawatch-ship@.timer
        DESTINATION ${SLAWATCH_UNIT_DIR})
# Shipping the evidence database to the quorum host (docs/vantage.md): a
# oneshot and its hourly timer, the script they run and its settings.
install(FILES systemd/slawatch-ship.service systemd/slawatch-ship.timer
        DESTINATION ${SLAWATCH_UNIT_DIR})
install(PROGRAMS systemd/slawatch-ship DESTINATION lib/slawatch)
install(FILES systemd/slawatch.sysusers DESTINATION lib/sysusers.d RENAME slawatch.conf)
install(FILES systemd/slawatch.tmpfiles DESTINATION lib/tmpfiles.d RENAME slawatch.conf)

# The example config becomes /etc/slawatch/slawatch.toml. /etc is worked out at
# install time, as GNUInstallDirs would for that prefix (/usr and / -> /etc,
# /opt/... -> /etc/opt/..., else PREFIX/etc), so that `cmake --install
# --prefix /usr` of a tree configured for /usr/local still lands in /etc.
# file(INSTALL) prepends $DESTDIR itself.
set(slawatch_example_config ${PROJECT_SOURCE_DIR}/examples/slawatch.toml)
if(EXISTS ${slawatch_example_config})
  install(CODE "
    if(CMAKE_INSTALL_PREFIX MATCHES \"^/(usr/?)?$\")
      set(slawatch_etc /etc)
    elseif(CMAKE_INSTALL_PREFIX MATCHES \"^/opt/\")
      set(slawatch_etc \"/etc\${CMAKE_INSTALL_PREFIX}\")
    else()
      set(slawatch_etc \"\${CMAKE_INSTALL_PREFIX}/etc\")
    endif()
    file(INSTALL \"${slawatch_example_config}\" DESTINATION \"\${slawatch_etc}/slawatch\"
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    file(INSTALL \"${PROJECT_SOURCE_DIR}/systemd/slawatch-ship.conf\"
         DESTINATION \"\${slawatch_etc}/slawatch\" RENAME ship.conf
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  ")
else()
  message(WARNING "examples/slawatch.toml is missing: the example config will not be installed")
endif()

# Man pages, gzipped (-n: no timestamp, so the build is reproducible), as Debian prefers.
find_program(SLAWATCH_GZIP gzip REQUIRED)
set(slawatch_man_pages slawatch.1 slawatch.toml.5)
set(slawatch_man_outputs)
foreach(page IN LISTS slawatch_man_pages)
  set(out ${PROJECT_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${SLAWATCH_GZIP} -9 -n -c ${PROJECT_SOURCE_DIR}/man/${page} > ${out}
    DEPENDS ${PROJECT_SOURCE_DIR}/man/${page}
    COMMENT "gzip man/${page}")
  list(APPEND slawatch_man_outputs ${out})
  string(REGEX MATCH "[0-9]$" section ${page})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(slawatch_man ALL DEPENDS ${slawatch_man_outputs})

# The operator's guide: share/doc/slawatch.
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

# Prometheus rules (with their unit tests) and the Grafana dashboard, for the
# operator to load (docs/prometheus.md): share/slawatch.
install(DIRECTORY prometheus/ DESTINATION ${CMAKE_INSTALL_DATADIR}/slawatch/prometheus
        FILES_MATCHING PATTERN "*.yml")
install(FILES grafana/slawatch-dashboard.json DESTINATION ${CMAKE_INSTALL_DATADIR}/slawatch/grafana)

# Debian's copyright (machine-readable, DEP-5) and changelog.Debian.gz, which
# Debian policy puts beside the docs of every package.
install(FILES packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME slawatch)
set(slawatch_changelog_gz ${PROJECT_BINARY_DIR}/changelog.Debian.gz)
add_custom_command(OUTPUT ${slawatch_changelog_gz}
  COMMAND ${SLAWATCH_GZIP} -9 -n -c ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > ${slawatch_changelog_gz}
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  COMMENT "gzip packaging/debian/changelog")
add_custom_target(slawatch_changelog ALL DEPENDS ${slawatch_changelog_gz})
install(FILES ${slawatch_changelog_gz} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The package's version is the changelog's latest entry, as in a Debian source
# package: "slawatch (UPSTREAM-REVISION) ...", and UPSTREAM must be project()'s.
file(STRINGS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog slawatch_changelog_top LIMIT_COUNT 1)
if(NOT slawatch_changelog_top MATCHES "^slawatch \\(([^)-]+)-([^)]+)\\) ")
  message(FATAL_ERROR "packaging/debian/changelog: the first line must read 'slawatch (VERSION-REVISION) ...'")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "packaging/debian/changelog is at ${CMAKE_MATCH_1}, project() at ${PROJECT_VERSION}: "
                      "add a changelog entry for the new version")
endif()
set(SLAWATCH_DEB_REVISION ${CMAKE_MATCH_2})

# --- CPack: one .deb --------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME slawatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "slawatch")
set(CPACK_PACKAGE_CONTACT "slawatch maintainers <slawatch@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Independent minute-by-minute SLA monitor for Tencent Cloud TCMPP")
# The summary line comes from CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended text.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "slawatch probes the four functions of the Tencent Cloud Mini Program
Platform named in its SLA several times a minute, decides for every minute
whether the service was unavailable as the contract defines it, keeps the
evidence in SQLite and computes Service Month availability, compensation
tiers and claim windows. It runs as a hardened systemd service; the package
enables and starts nothing on a first install.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SLAWATCH_DEB_REVISION})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# systemd-sysusers/-tmpfiles and deb-systemd-helper/-invoke (init-system-helpers)
# in the maintainer scripts; tzdata for the contract time zones.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, init-system-helpers (>= 1.54), tzdata")
# slawatch-ship.service copies the database with `slawatch backup` and
# reloads use the shell's kill builtin: neither needs another package. rsync
# or ssh for the ship upload command are the operator's choice; the sqlite3
# shell helps inspecting the database by hand.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
  ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
  ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
  ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Install as if to /usr with DESTDIR, so the /etc config lands in the package's /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
