#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots a real systemd (Debian bookworm, systemd 252) as PID 1 of a
# systemd-nspawn container with --private-network, installs the .deb that
# scripts/check-deb.sh built, and checks what docs/install.md and
# docs/systemd.md promise, one PASS/FAIL line per check: a first install
# enables nothing; enable --now reaches READY and /metrics answers; reload
# applies a good config and rejects a bad one; watchdog pings; restart after
# kill -9 but not after exit 2; LoadCredential= secrets reach a tencentcloud
# probe against tcmpp-sim; journald priorities; stop drains in time; the ship
# service writes a verified copy; two slawatch@ instances side by side; an
# upgrade restarts and keeps the enable state; remove and purge; the
# systemd-analyze security score.
#
# The rootfs (mmdebstrap, the package's Depends and tcmpp-sim's libraries
# pre-installed, since the container has no network) is cached outside the
# clone in $SLAWATCH_CI_CACHE (default /var/cache/slawatch-ci), keyed by its
# package list, and built when missing; each run boots a throwaway overlay of
# it. The container's processes live in a cgroup subtree of their own,
# removed afterwards with the overlay, whatever happens (trap). Skips (exit 0,
# saying why) only when a container cannot boot here.
#   BUILD_DIR=DIR   where scripts/check-deb.sh built the .deb (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
cache=${SLAWATCH_CI_CACHE:-/var/cache/slawatch-ci}
mirror=${SLAWATCH_CI_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
started=$SECONDS

say() { echo "check-systemd: $*"; }
die() { say "$*" >&2; exit 1; }
skip() { say "SKIP: $* (no container can boot here; nothing was checked)"; exit 0; }

deb=$(ls "$build"/slawatch_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || die "no $build/slawatch_*.deb: run scripts/check-deb.sh first"
sim=$build/tools/tcmpp-sim/tcmpp-sim
[ -x "$sim" ] || die "no $sim: build the tcmpp-sim target"
[ "$(id -u)" -eq 0 ] || skip "not root: systemd-nspawn needs root"
for tool in systemd-nspawn mmdebstrap nsenter; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh installs it)"
done

# --- the rootfs: cached, keyed by what it holds ---------------------------------
# The package's Depends (names only) and the packages of tcmpp-sim's libraries.
packages=(systemd systemd-sysv)
while read -r name; do packages+=("$name"); done < <(
    dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed 's/(.*//; s/ //g' | grep -v '^$')
while read -r lib; do
    owner=$({ dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true; } |
        head -n 1)
    [ -n "$owner" ] && packages+=("${owner%%:*}")
done < <(ldd "$sim" | awk '$3 ~ /^\// {print $3}')
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
key=$(printf '%s\n' "$suite" "$mirror" "${packages[@]}" | sha256sum | cut -c1-16)
rootfs=$cache/rootfs-$key
mkdir -p "$cache"
# One builder at a time (CI runs of several branches share the cache).
exec 9>"$cache/.lock"
flock 9
if [ ! -d "$rootfs" ]; then
    say "building the rootfs $rootfs (mmdebstrap $suite: ${packages[*]})"
    rm -rf "$rootfs.partial"
    include=$(
        IFS=,
        echo "${packages[*]}"
    )
    mmdebstrap --quiet --variant=apt --include="$include" "$suite" "$rootfs.partial" "$mirror" ||
        die "mmdebstrap failed"
    mv "$rootfs.partial" "$rootfs"
fi
# Other package lists' trees unused for two weeks go; this one is fresh.
touch "$rootfs"
find "$cache" -mindepth 1 -maxdepth 1 -name 'rootfs-*' ! -name "rootfs-$key" -mtime +14 \
    -exec rm -rf {} + 2>/dev/null || true
flock -u 9
say "rootfs $rootfs (setup $((SECONDS - started)) s)"

# --- boot -------------------------------------------------------------------------
work=$(mktemp -d /tmp/slawatch-check-systemd.XXXXXX)
root=$work/root
cgname=slawatch-check-systemd-$$
cgroups=()
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    cgroups=("/sys/fs/cgroup/$cgname") # unified only
else
    for h in systemd unified; do
        [ -d "/sys/fs/cgroup/$h" ] && cgroups+=("/sys/fs/cgroup/$h/$cgname")
    done
fi
nspawn_pid=""
mounted=0
cleanup() {
    local rc=$?
    set +e
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" # nspawn asks the container's systemd to power off
        for _ in $(seq 1 100); do
            kill -0 "$nspawn_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$nspawn_pid" 2>/dev/null
    fi
    # Whatever is left in the subtree, then the subtree itself, deepest first.
    for cg in "${cgroups[@]}"; do
        [ -d "$cg" ] || continue
        for _ in 1 2 3; do
            # shellcheck disable=SC2038 # cat prints PIDs, not file names
            find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
            find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
            [ -d "$cg" ] || break
            sleep 0.5
        done
        [ -d "$cg" ] && say "could not remove the cgroup $cg" >&2
    done
    [ "$mounted" = 1 ] && umount -l "$root"
    rm -rf "$work"
    say "cleaned up (container, cgroups, overlay); $((SECONDS - started)) s in all"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A step between the checks that fails ends the run (set -e): say which.
trap 'say "FAIL a step failed (line $LINENO): $BASH_COMMAND" >&2' ERR

# A throwaway overlay on the cached rootfs: every run starts from the same tree.
mkdir -p "$work/upper" "$work/ovl" "$root"
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$work/upper,workdir=$work/ovl" "$root" ||
    skip "cannot mount an overlay file system"
mounted=1
# What the checks need inside: the package, a newer build of it, the simulator.
mkdir -p "$root/root/ci"
cp "$deb" "$root/root/ci/slawatch.deb"
install -m 755 "$sim" "$root/usr/local/bin/tcmpp-sim"
v1=$(dpkg-deb -f "$deb" Version)
v2="$v1+systemd1"
dpkg-deb -R "$deb" "$work/pkg"
sed -i "s/^Version: .*/Version: $v2/" "$work/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/pkg" "$root/root/ci/slawatch-v2.deb" >/dev/null

for cg in "${cgroups[@]}"; do mkdir -p "$cg"; done
(
    # The container's cgroups: this subtree (nspawn --keep-unit makes its
    # payload and supervisor groups below it), not the host's.
    for cg in "${cgroups[@]}"; do echo "$BASHPID" >"$cg/cgroup.procs"; done
    exec systemd-nspawn --quiet --directory="$root" --boot --private-network --register=no \
        --keep-unit --machine="slawatch-ci-$$" --console=pipe </dev/null >"$work/nspawn.log" 2>&1
) &
nspawn_pid=$!

leader=""
for _ in $(seq 1 150); do
    kill -0 "$nspawn_pid" 2>/dev/null || skip "systemd-nspawn exited: $(tail -n 5 "$work/nspawn.log")"
    leader=$(cat "/proc/$nspawn_pid/task/$nspawn_pid/children" 2>/dev/null | awk '{print $1}')
    [ -n "$leader" ] && break
    sleep 0.2
done
[ -n "$leader" ] || skip "systemd-nspawn started no container"
# Every command inside: all of the container's namespaces, a clean environment.
# Each bounded, so that a hung systemctl cannot hold CI up.
inside() { timeout 120 nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# Until systemd's private socket exists, systemctl cannot connect at all.
boot=""
for _ in $(seq 1 60); do
    boot=$(timeout 90 nsenter -t "$leader" -a systemctl is-system-running --wait 2>&1 || true)
    case $boot in *"Failed to connect"* | *"No such file"*) sleep 0.5 ;; *) break ;; esac
done
case $boot in
    running | degraded) ;;
    *) skip "the container's systemd did not come up ($boot): $(tail -n 5 "$work/nspawn.log")" ;;
esac
say "booted $(inside systemctl --version | head -n 1) as PID 1 ($boot) in $((SECONDS - started)) s"

# --- checks -------------------------------------------------------------------
all_limitcore_0() {
    for u in "$@"; do [ "$(prop "$u" LimitCORE)" = 0 ] || { echo "$u: LimitCORE=$(prop "$u" LimitCORE)"; return 1; }; done
}
fail=0
check() { # check WHAT COMMAND...: PASS or FAIL with the command's output
    local what=$1
    shift
    if "$@" >"$work/check.out" 2>&1; then
        echo "PASS $what"
    else
        echo "FAIL $what"
        sed 's/^/       /' "$work/check.out" | tail -n 20
        fail=1
    fi
}
eventually() { # eventually SECONDS COMMAND...: until COMMAND succeeds
    local until=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$until" ] || return 1
        sleep 0.5
    done
}
prop() { inside systemctl show -P "$2" "$1"; }
# /metrics from inside (bash's /dev/tcp: the container has no curl).
metrics() {
    inside bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n' >&3 && cat <&3"
}
# metric PORT SERIES: the value of one sample, its vantage label left out.
metric() {
    metrics "$1" 2>/dev/null | sed -E 's/\{vantage="[^"]*",?/{/; s/\{\}//' |
        awk -v s="$2" '$1 == s {print $2}'
}
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }
active() { [ "$(inside systemctl is-active "$1")" = active ]; }
mainpid() { prop "$1" MainPID; }

sim_port=18080
secret_id=AKIDcheckSystemdSecretId01
secret_key=checkSystemdSecretKeyNotInLogs01
config() { # config VANTAGE DB METRICS-PORT [EXTRA-PROBE]
    cat <<EOF
[contract]
name = "check-systemd"
timezone = "UTC"
start = $(date -u -d '1 day ago' +%F)
months = 2
monthly_fee = "1000.00"
user_id = "1"
order_id = "2"

[monitor]
probes_per_minute = 60
min_samples = 1

[storage]
path = "$2"

[vantage]
name = "$1"

[metrics]
listen = "127.0.0.1:$3"

[[probe]]
name = "management"
kind = "tencentcloud"
endpoint = "http://127.0.0.1:$sim_port"
service = "tcmpp"
action = "DescribeMNPList"
version = "2024-08-01"
region = "ap-guangzhou"
payload = '{"PlatformId": "T1", "Offset": 0, "Limit": 1}'
timeout = "2s"
EOF
    if [ -n "${4:-}" ]; then
        cat <<EOF

[[probe]]
name = "$4"
kind = "tencentcloud"
endpoint = "http://127.0.0.1:$sim_port"
service = "tcmpp"
action = "DescribeMNPAllStageVersions"
version = "2024-08-01"
region = "ap-guangzhou"
payload = '{"PlatformId": "T1", "MNPId": "mnp1"}'
timeout = "2s"
EOF
    fi
}
put() { # put FILE MODE: stdin to FILE inside, root-owned
    inside sh -c "umask 077 && cat > '$1' && chmod $2 '$1'"
}

# install: nothing enabled or started
check "dpkg -i $v1 inside the container" inside dpkg -i /root/ci/slawatch.deb
check "first install: slawatch.service not enabled" \
    test "$(inside systemctl is-enabled slawatch.service)" = disabled
check "first install: slawatch-ship.timer not enabled" \
    test "$(inside systemctl is-enabled slawatch-ship.timer)" = disabled
check "first install: nothing of slawatch runs" \
    test -z "$(inside systemctl list-units --no-legend --state=active 'slawatch*')"
check "first install: /bin/kill is absent here (procps is not pulled in)" test ! -e "$root/bin/kill"

# The simulator, accepting only the secrets the unit's credentials hold.
inside mkdir -p /root/sim
printf '%s\n' "$secret_id" | put /root/sim/secret_id 600
printf '%s\n' "$secret_key" | put /root/sim/secret_key 600
inside systemd-run --quiet --unit=tcmpp-sim /usr/local/bin/tcmpp-sim --listen "127.0.0.1:$sim_port" \
    --credentials-dir /root/sim --quiet
printf '%s\n' "$secret_id" | put /etc/slawatch/credentials/secret_id 600
printf '%s\n' "$secret_key" | put /etc/slawatch/credentials/secret_key 600
config ci /var/lib/slawatch/slawatch.db 9817 | put /etc/slawatch/slawatch.toml 644
# Watchdog pings every 2 s instead of 30 s, so the check sees several quickly.
inside mkdir -p /run/systemd/system/slawatch.service.d
printf '[Service]\nWatchdogSec=4\n' | put /run/systemd/system/slawatch.service.d/check.conf 644
inside systemctl daemon-reload

# start: READY, /metrics, credentials
check "enable --now: active once READY=1" inside systemctl enable --now slawatch.service
check "enabled" test "$(inside systemctl is-enabled slawatch.service)" = enabled
check "/metrics answers inside" eventually 10 metric_is 9817 "slawatch_build_info{version=\"${v1%-*}\"}" 1
check "LoadCredential= secrets reach the tencentcloud probe (tcmpp-sim accepts its signature)" \
    eventually 20 metric_is 9817 'slawatch_probe_success{probe="management"}' 1
check "the credentials are in /run/credentials/slawatch.service/" \
    inside test -f /run/credentials/slawatch.service/secret_key
no_secret_in_journal() { ! inside journalctl -q --no-pager -o cat | grep -qF -e "$secret_id" -e "$secret_key"; }
check "no secret in the journal" no_secret_in_journal
pinged_since() { [ "$(prop slawatch.service WatchdogTimestampMonotonic)" -gt "$1" ]; }
wd=$(prop slawatch.service WatchdogTimestampMonotonic)
check "watchdog pings arrive (WATCHDOG=1 every WatchdogSec/2)" eventually 8 pinged_since "$wd"
wd=$(prop slawatch.service WatchdogTimestampMonotonic)
check "... and keep arriving" eventually 8 pinged_since "$wd"

# reload
pid=$(mainpid slawatch.service)
config ci /var/lib/slawatch/slawatch.db 9817 release | put /etc/slawatch/slawatch.toml 644
check "systemctl reload (ExecReload without /bin/kill) succeeds" inside systemctl reload slawatch.service
check "reload applied the new config (its new probe runs)" \
    eventually 15 metric_is 9817 'slawatch_probe_success{probe="release"}' 1
check "reload kept the process" test "$(mainpid slawatch.service)" = "$pid"
echo 'this is not = = toml' | put /etc/slawatch/slawatch.toml 644
inside systemctl reload slawatch.service || true
check "a bad config is rejected (slawatch_config_last_reload_successful 0)" \
    eventually 10 metric_is 9817 slawatch_config_last_reload_successful 0
check "... the old config keeps running" metric_is 9817 'slawatch_probe_success{probe="release"}' 1
active_as() { active "$1" && [ "$(mainpid "$1")" = "$2" ]; }
check "... and the unit stays active, same process" active_as slawatch.service "$pid"
journal_has() { inside journalctl -q --no-pager -u "$1" -p "$2" -o cat | grep -q "$3"; }
check "journald: the rejection at priority err (3)" journal_has slawatch.service err 'config reload rejected'
check "journald: 'config reloaded' at info (6) ..." journal_has slawatch.service info 'config reloaded'
not_above_info() { ! journal_has slawatch.service warning 'config reloaded'; }
check "... and not above" not_above_info
config ci /var/lib/slawatch/slawatch.db 9817 release | put /etc/slawatch/slawatch.toml 644
inside systemctl reload slawatch.service || true # a failing reload was reported above

# restarts
restarts=$(prop slawatch.service NRestarts)
inside systemctl kill --signal=KILL slawatch.service
restarted_since() { [ "$(prop slawatch.service NRestarts)" -gt "$1" ] && active slawatch.service; }
check "kill -9: restarted (Restart=on-failure, RestartSec=5)" eventually 20 restarted_since "$restarts"
check "... and answers /metrics again" eventually 10 metric_is 9817 slawatch_config_last_reload_successful 1
echo '[contract]' | put /etc/slawatch/slawatch.toml 644
inside systemctl restart slawatch.service 2>/dev/null || true # fails: exit 2
# An explicit restart resets NRestarts; an automatic one would count 1.
restarts=$(prop slawatch.service NRestarts)
sleep 7 # past RestartSec=5: a restart would have happened
failed_for_good() {
    [ "$(inside systemctl is-active "$1")" = failed ] && [ "$(prop "$1" ExecMainStatus)" = 2 ] &&
        [ "$(prop "$1" NRestarts)" = "$2" ]
}
check "exit 2 (bad config): failed, not restarted" failed_for_good slawatch.service "$restarts"
config ci /var/lib/slawatch/slawatch.db 9817 release | put /etc/slawatch/slawatch.toml 644
check "a fixed config starts again" inside systemctl restart slawatch.service

# stop
timeout_stop=$(prop slawatch.service TimeoutStopUSec)
t0=$SECONDS
inside systemctl stop slawatch.service
took=$((SECONDS - t0))
stopped_cleanly() {
    [ "$(prop slawatch.service Result)" = success ] && [ "$(prop slawatch.service ExecMainStatus)" = 0 ] &&
        journal_has slawatch.service info 'stopping on SIGTERM'
}
check "systemctl stop drains in ${took} s (TimeoutStopSec=$timeout_stop), exit 0, no SIGKILL" stopped_cleanly
inside systemctl start slawatch.service

# ship
check "slawatch-ship.timer triggers slawatch-ship.service" \
    test "$(prop slawatch-ship.timer Triggers)" = slawatch-ship.service
check "the ship service (as the timer starts it) succeeds" inside systemctl start slawatch-ship.service
check "... its copy: 0600, owned by slawatch" \
    test "$(inside stat -c '%a %U' /var/lib/slawatch/ship/slawatch-ci.db 2>&1)" = "600 slawatch"
check "... and it verifies (slawatch verify as slawatch)" inside runuser -u slawatch -- slawatch verify \
    --config /etc/slawatch/slawatch.toml --db /var/lib/slawatch/ship/slawatch-ci.db
check "enable --now slawatch-ship.timer" inside systemctl enable --now slawatch-ship.timer

# several contracts: slawatch@a and slawatch@b
for i in a b; do
    inside install -d -m 700 "/etc/slawatch/credentials/$i"
    printf '%s\n' "$secret_id" | put "/etc/slawatch/credentials/$i/secret_id" 600
    printf '%s\n' "$secret_key" | put "/etc/slawatch/credentials/$i/secret_key" 600
done
config ci-a /var/lib/slawatch/a/slawatch.db 9821 | put /etc/slawatch/a.toml 644
config ci-b /var/lib/slawatch/b/slawatch.db 9822 | put /etc/slawatch/b.toml 644
check "enable --now slawatch@a slawatch@b" inside systemctl enable --now slawatch@a.service slawatch@b.service
check "slawatch@a: its own port, probing with its credentials" \
    eventually 20 metric_is 9821 'slawatch_probe_success{probe="management"}' 1
check "slawatch@b: its own port, probing with its credentials" \
    eventually 20 metric_is 9822 'slawatch_probe_success{probe="management"}' 1
check "separate databases /var/lib/slawatch/{a,b}/slawatch.db" \
    inside test -s /var/lib/slawatch/a/slawatch.db -a -s /var/lib/slawatch/b/slawatch.db
pid_b=$(mainpid slawatch@b.service)
config ci-a /var/lib/slawatch/a/slawatch.db 9821 release | put /etc/slawatch/a.toml 644
inside systemctl reload slawatch@a.service
check "reload of slawatch@a applies its config" \
    eventually 15 metric_is 9821 'slawatch_probe_success{probe="release"}' 1
without_release() { [ -z "$(metric "$1" 'slawatch_probe_success{probe="release"}')" ]; }
check "... slawatch@b untouched: same process ..." active_as slawatch@b.service "$pid_b"
check "... without a's new probe" without_release 9822
pid_a=$(mainpid slawatch@a.service)
echo 'not = = toml' | put /etc/slawatch/b.toml 644
inside systemctl reload slawatch@b.service || true
check "reload of slawatch@b with a bad config: b rejects it ..." \
    eventually 10 metric_is 9822 slawatch_config_last_reload_successful 0
a_untouched() { metric_is 9821 slawatch_config_last_reload_successful 1 && active_as slawatch@a.service "$1"; }
check "... a's last reload stays the good one, same process" a_untouched "$pid_a"
check "slawatch-ship@a.service succeeds" inside systemctl start slawatch-ship@a.service
check "... its copy of a's database verifies" inside runuser -u slawatch -- slawatch verify \
    --config /etc/slawatch/a.toml --db /var/lib/slawatch/a/ship/slawatch-ci-a.db
echo 'broken' | put /etc/slawatch/b.toml 644
inside systemctl restart slawatch@b.service 2>/dev/null || true # fails: exit 2
restarts=$(prop slawatch@b.service NRestarts)
sleep 6 # past RestartSec=5
check "slawatch@b fails (bad config, exit 2) and stays failed ..." failed_for_good slawatch@b.service "$restarts"
check "... while slawatch@a keeps running" active slawatch@a.service
check "... and keeps answering" metric_is 9821 'slawatch_probe_success{probe="management"}' 1
config ci-b /var/lib/slawatch/b/slawatch.db 9822 | put /etc/slawatch/b.toml 644
inside systemctl restart slawatch@b.service

# security score, as docs/systemd.md records it
for unit in slawatch.service slawatch@a.service slawatch-ship.service slawatch-ship@a.service; do
    score=$(inside systemd-analyze security "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
    check "systemd-analyze security $unit: $score (docs/systemd.md: 1.1)" test "$score" = 1.1
done

check "LimitCORE=0: no core dump carries the secrets" all_limitcore_0 slawatch.service slawatch@a.service \
    slawatch-ship.service slawatch-ship@a.service

# upgrade while running
pid=$(mainpid slawatch.service)
pid_a=$(mainpid slawatch@a.service)
check "dpkg -i $v2 (upgrade while running)" inside dpkg -i /root/ci/slawatch-v2.deb
restarted_from() { active "$1" && [ "$(mainpid "$1")" != "$2" ]; }
check "upgrade: slawatch.service restarted on the new binary" restarted_from slawatch.service "$pid"
check "... dpkg says $v2" test "$(inside dpkg-query -W -f='${Version}' slawatch)" = "$v2"
check "upgrade: slawatch@a restarted too" restarted_from slawatch@a.service "$pid_a"
all_enabled() {
    for u in "$@"; do [ "$(inside systemctl is-enabled "$u")" = enabled ] || { echo "$u"; return 1; }; done
}
check "upgrade: the enable states are kept" \
    all_enabled slawatch.service slawatch-ship.timer slawatch@a.service slawatch@b.service

# remove, purge
check "dpkg -r" inside dpkg -r slawatch
none_running() {
    [ -z "$(inside systemctl list-units --no-legend --state=active 'slawatch*')" ] &&
        [ -z "$(inside find /proc -maxdepth 1 -user slawatch)" ]
}
check "remove: every slawatch unit stopped, no slawatch process left" none_running
check "remove: the config and the evidence stay" inside test -f /etc/slawatch/slawatch.toml -a -f /var/lib/slawatch/slawatch.db
check "dpkg --purge" inside dpkg --purge slawatch
check "purge: /etc/slawatch/credentials and the package's config are gone" \
    inside test ! -e /etc/slawatch/credentials -a ! -e /etc/slawatch/slawatch.toml -a ! -e /etc/slawatch/ship.conf
check "purge: the enable links are gone (slawatch@ instances too)" \
    test -z "$(inside find /etc/systemd/system -name 'slawatch*')"
check "purge: the evidence databases stay" \
    inside test -f /var/lib/slawatch/slawatch.db -a -f /var/lib/slawatch/a/slawatch.db

say "$((SECONDS - started)) s"
if [ "$fail" = 0 ]; then say "OK"; else say "FAILED" >&2; fi
exit "$fail"
