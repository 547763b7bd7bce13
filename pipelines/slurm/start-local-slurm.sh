#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (Debian packages slurm-wlm and munge, run as root): writes a minimal
# slurm.conf for this host with 2 CPUs, then starts munged, slurmctld and slurmd, and waits until `sinfo` answers.
# Used by the Slurm integration test; re-running it when the cluster is up does nothing.
#   apt-get install -y --no-install-recommends slurm-wlm munge && pipelines/slurm/start-local-slurm.sh
set -euo pipefail

if sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then echo "slurm already up"; exit 0; fi
for tool in munged slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install slurm-wlm munge" >&2; exit 1; }
done

host=$(hostname -s)
cpus=${SLURM_LOCAL_CPUS:-2}
memory_mb=${SLURM_LOCAL_MEMORY_MB:-2048}
state=/var/spool/slurmctld
mkdir -p /etc/slurm "$state" /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
rm -f /etc/slurm/cgroup.conf # proctrack/linuxproc and task/none: no cgroups needed
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=$state
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobCompType=jobcomp/none
MpiDefault=none
SlurmUser=root
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- munged
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 1 30); do
  if sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then sinfo; exit 0; fi
  scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm did not come up; see /var/log/slurm/slurmctld.log and /var/log/slurm/slurmd.log" >&2
exit 1
