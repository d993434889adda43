#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the built .deb on this machine for real (dpkg -i, as root: CI runs
# on a throwaway machine) and checks what the package does to it:
#   install   files, modes and owners; the slawatch user; /var/lib/slawatch;
#             the credentials placeholders; nothing enabled or started
#   upgrade   to a newer version (the same package repacked with a bumped
#             version): the operator's edited conffile and credentials are
#             kept, the enable state is kept; a second upgrade without any
#             --force-conf* option does not ask anything
#   remove    the binary goes, the conffile stays, the unit is masked
#   purge     /etc/slawatch and the enable state go; the evidence database in
#             /var/lib/slawatch and the system user stay (Debian never removes
#             a system user: files may still be owned by its uid)
# Then it removes everything it created, the kept database and user included.
# systemd is not running here (no PID 1), so the maintainer scripts must work
# without it, as debhelper's do; with systemd they also daemon-reload and
# try-restart on upgrade (not testable here).
#   BUILD_DIR=DIR   where scripts/check-deb.sh built the .deb (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
deb=$(ls "$build"/slawatch_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || { echo "check-install: no $build/slawatch_*.deb: run scripts/check-deb.sh first" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "check-install: must run as root (it installs the package)" >&2; exit 1; }

# dpkg's state of the package: not-installed (also when dpkg forgot it), installed, config-files, ...
dpkg_state() { dpkg-query -W -f='${db:Status-Status}' slawatch 2>/dev/null || echo not-installed; }
wants=/etc/systemd/system/multi-user.target.wants/slawatch.service
mask=/etc/systemd/system/slawatch.service
state=/var/lib/systemd/deb-systemd-helper-enabled/slawatch.service.dsh-also

# Never touch a real installation or someone's evidence.
if [ "$(dpkg_state)" != not-installed ]; then
    echo "check-install: slawatch is installed here ($(dpkg_state)); refusing to touch it" >&2
    exit 1
fi
for p in /var/lib/slawatch /etc/slawatch "$wants" "$mask" "$state"; do
    if [ -e "$p" ] || [ -L "$p" ]; then
        echo "check-install: $p exists; refusing to touch it" >&2
        exit 1
    fi
done
had_user=0
getent passwd slawatch >/dev/null && had_user=1

work=$(mktemp -d /tmp/slawatch-check-install.XXXXXX)
cleanup() {
    local rc=$?
    set +e
    dpkg --purge slawatch >/dev/null 2>&1
    rm -rf /var/lib/slawatch /etc/slawatch "$work"
    rm -f "$wants" "$mask"
    if [ "$had_user" = 0 ] && getent passwd slawatch >/dev/null; then
        userdel slawatch 2>/dev/null
        getent group slawatch >/dev/null && groupdel slawatch 2>/dev/null
    fi
    [ "$rc" = 0 ] && echo "check-install: OK (installed, upgraded, removed, purged, cleaned up)"
    exit "$rc"
}
trap cleanup EXIT

fail=0
check() {  # check WHAT COMMAND...: run COMMAND, report WHAT if it fails
    local what=$1
    shift
    if "$@" >"$work/check.out" 2>&1; then
        echo "  ok   $what"
    else
        echo "  FAIL $what" >&2
        sed 's/^/       /' "$work/check.out" >&2
        fail=1
    fi
}
mode_is() {  # mode_is PATH MODE OWNER:GROUP
    [ -e "$1" ] && [ "$(stat -c '%a %U:%G' "$1")" = "$2 $3" ]
}
version_is() { [ "$(dpkg_state)" = installed ] && [ "$(dpkg-query -W -f='${Version}' slawatch)" = "$1" ]; }
# dpkg with no terminal: a conffile question would fail instead of waiting.
install_deb() { dpkg "$@" </dev/null >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; return 1; }; }

# --- a newer version of the same package --------------------------------------
v1=$(dpkg-deb -f "$deb" Version)
v2="$v1+check1"
v3="$v1+check2"
repack() {  # repack VERSION OUT [CONFFILE-LINE]: the .deb at VERSION, the conffile changed
    rm -rf "$work/pkg"
    dpkg-deb -R "$deb" "$work/pkg"
    sed -i "s/^Version: .*/Version: $1/" "$work/pkg/DEBIAN/control"
    if [ -n "${3:-}" ]; then
        echo "$3" >> "$work/pkg/etc/slawatch/slawatch.toml"
        # md5sums lists every file but the control files; keep it true.
        (cd "$work/pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
            xargs -0 md5sum > DEBIAN/md5sums)
    fi
    dpkg-deb --root-owner-group -b "$work/pkg" "$2" >/dev/null
}
repack "$v2" "$work/v2.deb" "# a comment the new version added"
repack "$v3" "$work/v3.deb" "# a comment the new version added"

# --- install ------------------------------------------------------------------
echo "check-install: dpkg -i $deb ($v1)"
install_deb -i "$deb"
check "installed at $v1" version_is "$v1"
check "/usr/bin/slawatch 755 root" mode_is /usr/bin/slawatch 755 root:root
check "slawatch --version runs" sh -c "/usr/bin/slawatch --version | grep -q '${v1%-*}'"
check "the unit 644 root" mode_is /usr/lib/systemd/system/slawatch.service 644 root:root
check "sysusers.d file" mode_is /usr/lib/sysusers.d/slawatch.conf 644 root:root
check "tmpfiles.d file" mode_is /usr/lib/tmpfiles.d/slawatch.conf 644 root:root
check "man pages" test -f /usr/share/man/man1/slawatch.1.gz -a -f /usr/share/man/man5/slawatch.toml.5.gz
check "copyright (DEP-5)" grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
    /usr/share/doc/slawatch/copyright
check "changelog.Debian.gz names $v1" sh -c "zcat /usr/share/doc/slawatch/changelog.Debian.gz | head -n 1 | grep -qF '($v1)'"
check "/etc/slawatch/slawatch.toml 644 root" mode_is /etc/slawatch/slawatch.toml 644 root:root
check "it is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' slawatch | grep -q ' /etc/slawatch/slawatch.toml '"
check "user slawatch: system uid, home /var/lib/slawatch, no login" bash -c '
    IFS=: read -r _ _ uid _ _ home shell < <(getent passwd slawatch)
    [ "$uid" -lt 1000 ] && [ "$home" = /var/lib/slawatch ] && [ "${shell##*/}" = nologin ]'
check "group slawatch" getent group slawatch
check "/var/lib/slawatch 700 slawatch" mode_is /var/lib/slawatch 700 slawatch:slawatch
check "/etc/slawatch/credentials 700 root" mode_is /etc/slawatch/credentials 700 root:root
check "empty secret_id 600 root" sh -c "[ ! -s /etc/slawatch/credentials/secret_id ] && stat -c %a /etc/slawatch/credentials/secret_id | grep -qx 600"
check "empty secret_key 600 root" sh -c "[ ! -s /etc/slawatch/credentials/secret_key ] && stat -c %a /etc/slawatch/credentials/secret_key | grep -qx 600"
check "not enabled on a first install" test ! -e "$wants" -a ! -L "$wants"
check "the ship service 644 root" mode_is /usr/lib/systemd/system/slawatch-ship.service 644 root:root
check "the ship timer 644 root" mode_is /usr/lib/systemd/system/slawatch-ship.timer 644 root:root
check "the ship script 755 root" mode_is /usr/lib/slawatch/slawatch-ship 755 root:root
for unit in slawatch@.service slawatch-ship@.service slawatch-ship@.timer; do
    check "the template $unit 644 root" mode_is "/usr/lib/systemd/system/$unit" 644 root:root
done
check "ship.conf is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' slawatch | grep -q ' /etc/slawatch/ship.conf '"
check "the ship timer not enabled on a first install" \
    test ! -e /etc/systemd/system/timers.target.wants/slawatch-ship.timer
check "enable state tracked (deb-systemd-helper)" test -f "$state"
check "the config loads (check-config as slawatch)" \
    runuser -u slawatch -- /usr/bin/slawatch check-config --config /etc/slawatch/slawatch.toml

# The operator's part: evidence, an edited config, credentials, enabling the unit.
runuser -u slawatch -- sqlite3 /var/lib/slawatch/slawatch.db \
    "CREATE TABLE check_install(evidence TEXT); INSERT INTO check_install VALUES ('kept on purge');"
echo "# edited by the operator" >> /etc/slawatch/slawatch.toml
edited=$(md5sum < /etc/slawatch/slawatch.toml)
echo "AKIDcheckinstall" > /etc/slawatch/credentials/secret_id
systemctl enable slawatch.service >/dev/null 2>&1
check "the operator enabled it (systemctl enable, offline)" test -L "$wants"

# --- upgrade: both the operator and the package changed the conffile ----------
echo "check-install: dpkg -i --force-confdef --force-confold (upgrade to $v2)"
install_deb -i --force-confdef --force-confold "$work/v2.deb"
check "upgraded to $v2" version_is "$v2"
check "the operator's conffile is kept" sh -c "[ \"\$(md5sum < /etc/slawatch/slawatch.toml)\" = '$edited' ]"
check "the package's new conffile is beside it (.dpkg-dist)" \
    grep -q "a comment the new version added" /etc/slawatch/slawatch.toml.dpkg-dist
check "the credentials are kept" grep -qx AKIDcheckinstall /etc/slawatch/credentials/secret_id
check "still enabled" test -L "$wants"

# --- upgrade: only the operator changed it: dpkg must not even ask ------------
echo "check-install: dpkg -i (upgrade to $v3, no --force-conf*)"
install_deb -i "$work/v3.deb"
check "upgraded to $v3 without a conffile question" version_is "$v3"
check "the operator's conffile is still kept" sh -c "[ \"\$(md5sum < /etc/slawatch/slawatch.toml)\" = '$edited' ]"
check "still enabled" test -L "$wants"

# --- remove -------------------------------------------------------------------
echo "check-install: dpkg -r slawatch"
install_deb -r slawatch
check "the binary is gone" test ! -e /usr/bin/slawatch
check "the unit is gone" test ! -e /usr/lib/systemd/system/slawatch.service
check "the conffile stays until purge" test -f /etc/slawatch/slawatch.toml
check "the unit is masked (deb-systemd-helper mask)" sh -c "[ \"\$(readlink $mask)\" = /dev/null ]"
check "the evidence stays" test -f /var/lib/slawatch/slawatch.db

# --- reinstall: the enable state comes back -----------------------------------
echo "check-install: dpkg -i (reinstall $v3 after the removal)"
install_deb -i "$work/v3.deb"
check "unmasked" test ! -L "$mask"
check "enabled again, as before the removal" test -L "$wants"

# --- purge --------------------------------------------------------------------
echo "check-install: dpkg --purge slawatch"
install_deb --purge slawatch
check "not installed" test "$(dpkg_state)" = not-installed
check "/etc/slawatch is gone (conffile, .dpkg-dist, credentials)" test ! -e /etc/slawatch
check "the enable link and the mask are gone" test ! -e "$wants" -a ! -L "$wants" -a ! -L "$mask"
check "the deb-systemd-helper state is gone" test ! -e "$state"
check "the evidence database stays" sh -c \
    "[ \"\$(sqlite3 /var/lib/slawatch/slawatch.db 'SELECT evidence FROM check_install')\" = 'kept on purge' ]"
check "the system user stays" getent passwd slawatch

exit "$fail"
