#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A one-node Slurm cluster in a folder, for trying job folders and for the cluster bench
# (docs/CLUSTER.md). As root, with Debian's slurm-wlm and munge; no cgroups, its own munge
# socket and ports; nothing outside the folder is touched.
#   scripts/slurm-local.sh start DIR   # prints the SLURM_CONF to export
#   scripts/slurm-local.sh stop DIR    # stops the daemons it started, by PID
set -euo pipefail
cmd=${1:?start|stop}; dir=$(realpath -m "${2:?folder}")
case "$cmd" in
start)
  mkdir -p "$dir"/{state,spool,log}
  chmod 711 "$dir"
  head -c 1024 /dev/urandom > "$dir/munge.key"; chmod 400 "$dir/munge.key"
  /usr/sbin/munged -f --socket="$dir/munge.sock" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed"
  host=$(hostname -s)
  port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  cat > "$dir/slurm.conf" <<CONF
ClusterName=hyperlocal
SlurmctldHost=$host
SlurmctldPort=$(port)
SlurmdPort=$(port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SchedulerParameters=sched_min_interval=0
MpiDefault=none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -i
  /usr/sbin/slurmd
  for _ in $(seq 100); do
    [[ "$(sinfo -h -o %t 2>/dev/null)" == idle ]] && break
    sleep 0.2
  done
  echo "export SLURM_CONF=$dir/slurm.conf"
  ;;
stop)
  for d in slurmd slurmctld munged; do
    [[ -f "$dir/$d.pid" ]] && kill "$(cat "$dir/$d.pid")" 2>/dev/null || true
  done
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
