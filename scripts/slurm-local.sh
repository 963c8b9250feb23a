#!/usr/bin/env bash
# slurm-local.sh start|stop|status — a single-node Slurm cluster on this machine, for the
# end-to-end test of `runner slurm` (Tests/RunnerCLITests/SlurmTests.swift) and for trying
# the "Scaling out" section of the README.
#
#   start   installs Debian's slurmctld, slurmd, slurm-client and munge when missing, writes
#           /etc/slurm/slurm.conf for one node (localhost, every core), starts munged,
#           slurmctld and slurmd directly (no systemd needed), and waits for the node to be idle.
#   stop    cancels the cluster's jobs and stops exactly the daemons `start` started, by the
#           pids it recorded under $RUNNER_SLURM_BASE/run; daemons it did not start are left alone.
#   status  says which of those daemons run and what sinfo shows; exits 3 when no cluster answers.
#
# Needs root. Works without systemd and without cgroups (proctrack/linuxproc, task/none).
# Environment: RUNNER_SLURM_BASE — state, logs and pid files (default /tmp/runner-slurm).
set -euo pipefail

base=${RUNNER_SLURM_BASE:-/tmp/runner-slurm}
conf=/etc/slurm/slurm.conf
say() { echo "slurm-local: $*"; }

# alive PIDFILE NAME: the pid file names a live (not zombie) process called NAME.
alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

install_packages() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
        && command -v munged >/dev/null && return
    say "installing slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
}

start_munge() {
    if [ ! -s /etc/munge/munge.key ]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 755 /run/munge
    if alive "$base/run/munged.pid" munged; then return; fi
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        say "using the munged that already answers (not ours, so stop leaves it alone)"
        return
    fi
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    cp /run/munge/munged.pid "$base/run/munged.pid"
    say "started munged (pid $(cat "$base/run/munged.pid"))"
}

write_config() {
    mkdir -p /etc/slurm
    rm -f /etc/slurm/cgroup.conf
    cat > "$conf" <<CONF
# Written by runner's scripts/slurm-local.sh: one node, this machine, every core.
ClusterName=runner-local
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
MailProg=/bin/true
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/run/slurmctld.pid
SlurmdPidFile=$base/run/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
# No cgroups here: without them the cgroup plugins make srun fail (and still exit 0).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$base/log/jobcomp.txt
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
    [ "$(id -u)" = 0 ] || { echo "slurm-local: start needs root" >&2; exit 1; }
    install_packages
    mkdir -p "$base"/{state,spool,log,run}
    chown slurm: "$base/state" "$base/log"
    start_munge
    write_config
    if ! alive "$base/run/slurmctld.pid" slurmctld; then
        slurmctld
        for _ in $(seq 100); do alive "$base/run/slurmctld.pid" slurmctld && break; sleep 0.1; done
        alive "$base/run/slurmctld.pid" slurmctld || { tail -5 "$base/log/slurmctld.log" >&2; exit 1; }
        say "started slurmctld (pid $(cat "$base/run/slurmctld.pid"))"
    fi
    for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
    if ! alive "$base/run/slurmd.pid" slurmd; then
        slurmd
        for _ in $(seq 100); do alive "$base/run/slurmd.pid" slurmd && break; sleep 0.1; done
        alive "$base/run/slurmd.pid" slurmd || { tail -5 "$base/log/slurmd.log" >&2; exit 1; }
        say "started slurmd (pid $(cat "$base/run/slurmd.pid"))"
    fi
    scontrol reconfigure >/dev/null 2>&1 || true
    for _ in $(seq 120); do
        case "$(timeout 10 sinfo -h -N -n localhost -o %T 2>/dev/null || true)" in
            idle|mixed|allocated) say "node localhost is up"; return ;;
            down*|drain*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
        esac
        sleep 0.5
    done
    echo "slurm-local: the node did not come up; see $base/log" >&2
    exit 1
}

# stop_daemon NAME: TERM, then KILL after 15 s, the daemon whose pid `start` recorded.
stop_daemon() {
    local file="$base/run/$1.pid" pid
    [ -s "$file" ] || return 0
    pid=$(cat "$file")
    if alive "$file" "$1"; then
        kill -TERM "$pid"
        for _ in $(seq 60); do alive "$file" "$1" || break; sleep 0.25; done
        if alive "$file" "$1"; then kill -KILL "$pid"; fi
        say "stopped $1 (pid $pid)"
    fi
    rm -f "$file"
}

stop() {
    if alive "$base/run/slurmctld.pid" slurmctld; then
        scancel --partition debug 2>/dev/null || true
        for _ in $(seq 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
    fi
    stop_daemon slurmd
    stop_daemon slurmctld
    stop_daemon munged
}

status() {
    for daemon in munged slurmctld slurmd; do
        if alive "$base/run/$daemon.pid" "$daemon"; then
            say "$daemon runs (pid $(cat "$base/run/$daemon.pid"))"
        else
            say "$daemon was not started by this script or has stopped"
        fi
    done
    # Exit status 3 when no cluster answers, as service scripts do for "not running".
    sinfo 2>/dev/null || { say "no cluster answers"; return 3; }
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
