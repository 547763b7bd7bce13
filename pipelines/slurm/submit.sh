#!/usr/bin/env bash
# Runs a pipeline on a Slurm cluster: an array job over (model, checkpoint, document block) triples, then the merge job
# depending on it (--dependency=afterok).
#   [MODELS=M] pipelines/slurm/submit.sh <pipeline.yaml> <document shards N> <work folder on shared storage> [sbatch options...]
# MODELS: the number of model folders the `losses` stage lists (sizes × checkpoints); the array has M × N tasks.
#   Default 1: N tasks, each scoring its document block with every model.
# Environment: QUANTA (the command, default `quanta`), SBATCH_SHARD_OPTIONS / SBATCH_MERGE_OPTIONS (extra options).
# Prints the two job ids: "<array job> <merge job>".
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: [MODELS=M] $0 <pipeline.yaml> <document shards> <work folder> [sbatch options...]" >&2; exit 2; fi
pipeline=$(realpath "$1"); shards=$2; work=$(realpath -m "$3"); shift 3
models=${MODELS:-1}
here=$(dirname "$(realpath "$0")")
mkdir -p "$work/slurm"
export PIPELINE="$pipeline" WORK="$work" SHARDS="$shards" MODELS="$models" QUANTA="${QUANTA:-quanta}"
# shellcheck disable=SC2086 # the *_OPTIONS variables hold several options
array=$(sbatch --parsable --export=ALL --array="0-$((models * shards - 1))" --output="$work/slurm/shard-%a.out" \
  ${SBATCH_SHARD_OPTIONS:-} "$@" "$here/losses-shard.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --output="$work/slurm/merge.out" \
  ${SBATCH_MERGE_OPTIONS:-} "$@" "$here/merge.sbatch")
echo "$array ${merge%%;*}"
