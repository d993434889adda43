#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the .deb from an already built tree (cpack -G DEB) and checks what is
# in it: the control data, the binary, the unit, the user/dirs files, the man
# pages, the example config as a conffile, the maintainer scripts, the
# copyright file and changelog; then lintian must report no error and no
# warning (scripts/check-install.sh installs it for real).
#   BUILD_DIR=DIR   the build tree (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
rm -f "$build"/slawatch_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/slawatch_*.deb)

info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")
echo "$info"
echo "$contents"

fail=0
need() {  # need WHAT PATTERN TEXT
    if ! grep -Eq -- "$2" <<<"$3"; then
        echo "check-deb: $deb lacks $1" >&2
        fail=1
    fi
}
need "Package: slawatch"        '^ *Package: slawatch$'              "$info"
need "Section: admin"           '^ *Section: admin$'                 "$info"
need "computed Depends (libc6)" '^ *Depends:.*libc6'                 "$info"
need "postinst"                 ' postinst( |$)'                         "$info"
need "prerm"                    ' prerm( |$)'                            "$info"
need "postrm"                   ' postrm( |$)'                           "$info"
need "conffiles"                ' conffiles( |$)'                        "$info"
need "the binary"               ' \./usr/bin/slawatch$'              "$contents"
need "the unit"                 ' \./usr/lib/systemd/system/slawatch\.service$' "$contents"
need "the ship service"         ' \./usr/lib/systemd/system/slawatch-ship\.service$' "$contents"
need "the ship timer"           ' \./usr/lib/systemd/system/slawatch-ship\.timer$' "$contents"
need "the ship script"          '^-rwxr-xr-x .* \./usr/lib/slawatch/slawatch-ship$' "$contents"
need "the ship settings"        ' \./etc/slawatch/ship\.conf$'                "$contents"
need "the template unit"        ' \./usr/lib/systemd/system/slawatch@\.service$' "$contents"
need "the ship template"        ' \./usr/lib/systemd/system/slawatch-ship@\.service$' "$contents"
need "the ship timer template"  ' \./usr/lib/systemd/system/slawatch-ship@\.timer$' "$contents"
need "sysusers.d"               ' \./usr/lib/sysusers\.d/slawatch\.conf$'       "$contents"
need "tmpfiles.d"               ' \./usr/lib/tmpfiles\.d/slawatch\.conf$'       "$contents"
need "slawatch(1)"              ' \./usr/share/man/man1/slawatch\.1\.gz$'       "$contents"
need "slawatch.toml(5)"         ' \./usr/share/man/man5/slawatch\.toml\.5\.gz$' "$contents"
need "the example config"       ' \./etc/slawatch/slawatch\.toml$'             "$contents"
need "the copyright file"       ' \./usr/share/doc/slawatch/copyright$'        "$contents"
need "changelog.Debian.gz"      ' \./usr/share/doc/slawatch/changelog\.Debian\.gz$' "$contents"
need "the Prometheus rules"     ' \./usr/share/slawatch/prometheus/rules/slawatch\.rules\.yml$' "$contents"
need "the quorum rules"         ' \./usr/share/slawatch/prometheus/rules/slawatch-quorum\.rules\.yml$' "$contents"
need "the Prometheus examples"  ' \./usr/share/slawatch/prometheus/examples/global-federation\.yml$' "$contents"
need "the rules' unit tests"    ' \./usr/share/slawatch/prometheus/tests/burn_rate\.test\.yml$' "$contents"
need "the Grafana dashboard"    ' \./usr/share/slawatch/grafana/slawatch-dashboard\.json$' "$contents"
if grep -q 'tcmpp-sim' <<<"$contents"; then
    echo "check-deb: $deb ships the test tool tcmpp-sim" >&2
    fail=1
fi
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
need "conffile /etc/slawatch/slawatch.toml" '^/etc/slawatch/slawatch\.toml$' "$conffiles"
need "conffile /etc/slawatch/ship.conf" '^/etc/slawatch/ship\.conf$' "$conffiles"

# Every tag lintian has for a binary package; an override is shipped in the
# package (usr/share/lintian/overrides/slawatch), each with a comment why.
echo "check-deb: lintian $(lintian --version | awk '{print $2}') on $deb"
if ! lintian --fail-on error,warning --display-info --tag-display-limit 0 "$deb"; then
    echo "check-deb: lintian reports errors or warnings for $deb" >&2
    fail=1
fi

[ "$fail" = 0 ] && echo "check-deb: $deb OK"
exit "$fail"
