#!/usr/bin/env bash
# Runs a pipeline on a Slurm cluster: an array job of N shards, then the merge job depending on it.
#   pipelines/slurm/submit.sh <pipeline.yaml> <shards> <work folder on shared storage> [extra sbatch options...]
# Environment: QUANTA (the command, default `quanta`), SBATCH_SHARD_OPTIONS / SBATCH_MERGE_OPTIONS (extra options).
# Prints the two job ids: "<array job> <merge job>".
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: $0 <pipeline.yaml> <shards> <work folder> [sbatch options...]" >&2; exit 2; fi
pipeline=$(realpath "$1"); shards=$2; work=$(realpath -m "$3"); shift 3
here=$(dirname "$(realpath "$0")")
mkdir -p "$work/slurm"
export PIPELINE="$pipeline" WORK="$work" QUANTA="${QUANTA:-quanta}"
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" --output="$work/slurm/shard-%a.out" \
  ${SBATCH_SHARD_OPTIONS:-} "$@" "$here/losses-shard.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --output="$work/slurm/merge.out" \
  ${SBATCH_MERGE_OPTIONS:-} "$@" "$here/merge.sbatch")
echo "$array ${merge%%;*}"
