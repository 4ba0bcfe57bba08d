#!/usr/bin/env bash
# Evaluate one model on the spatial benchmarks as a Slurm job array: task K of N runs shard K/N
# against the vLLM servers listed in ENDPOINTS, then one dependent job merges the shards.
#
#   sbatch --array=0-7 slurm-eval.sh                               # 8 shards
#   sbatch --dependency=afterok:<array job id> slurm-eval.sh merge # once they all succeed
#
# A shard that fails or is preempted resumes from its cache when resubmitted with the same
# array index (sbatch --array=3 slurm-eval.sh).
#SBATCH --job-name=ssrl-eval
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=logs/ssrl-eval-%A_%a.out
set -euo pipefail

# Comma-separated OpenAI-compatible base URLs of one model (e.g. one vLLM server per GPU node).
ENDPOINTS=${ENDPOINTS:-http://gpu-node-1:8000/v1,http://gpu-node-2:8000/v1}
MODEL=${MODEL:-Qwen2.5-VL-7B-Instruct}
DATA=${DATA:-data}
RUN=${RUN:-runs/qwen7b}
SSRL_EVAL=${SSRL_EVAL:-ssrl-eval}
BENCH=${BENCH:-spatial457,3dsrbench,spatialeval,qspatial-plus,whatsup,viewspatial,vsi-bench}
read -r -a DATA_ARGS <<<"${DATA_ARGS:---data spatial457=$DATA/Spatial457.tsv --data 3dsrbench=$DATA/3DSRBench.tsv --data spatialeval=$DATA/SpatialEval.tsv --data qspatial-plus=$DATA/QSpatial_plus.parquet --data whatsup=$DATA/whatsup --data viewspatial=$DATA/ViewSpatial-Bench --data vsi-bench=$DATA/vsi_bench.json --frames-dir $DATA/vsi-frames}"

if [ "${1:-}" = "merge" ]; then
  shards=("$RUN"/shard-*)
  exec $SSRL_EVAL merge "${shards[@]}" --out "$RUN/all"
fi

: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=0-<N-1>}"
: "${SLURM_ARRAY_TASK_COUNT:?submit with sbatch --array=0-<N-1>}"
exec $SSRL_EVAL run \
  --model "openai:$ENDPOINTS#$MODEL" \
  --bench "$BENCH" "${DATA_ARGS[@]}" \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
  --concurrency "${CONCURRENCY:-16}" \
  --out "$RUN/shard-$SLURM_ARRAY_TASK_ID"
