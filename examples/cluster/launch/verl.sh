#!/usr/bin/env bash
# GRPO with verl (>= 0.7.1) on an export (ssrl-train export --to verl), scored by the
# Spatial-SSRL reward server through the async compute_score shim (the Reward Loop awaits it).
set -euo pipefail
EXPORT=$(realpath "${EXPORT:?set EXPORT to the folder written by ssrl-train export --to verl}")
MODEL=${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}
export SSRL_REWARD_URL=${SSRL_REWARD_URL:-http://127.0.0.1:8000}
curl -fsS "$SSRL_REWARD_URL/health" >/dev/null || { echo "no reward server at $SSRL_REWARD_URL (start: pnpm ssrl-serve --port 8000)"; exit 1; }

train=$(ls "$EXPORT"/data/train-*.parquet | paste -sd, -)
test=$(ls "$EXPORT"/data/test-*.parquet 2>/dev/null | paste -sd, - || true)
cd "$EXPORT"   # the config's relative paths (data files, reward shim) resolve here
python3 -m verl.trainer.main_ppo --config-path="$EXPORT" --config-name=verl_config \
  data.train_files="[$train]" \
  data.val_files="[${test:-$train}]" \
  reward.custom_reward_function.path="$EXPORT/verl_reward_async.py" \
  actor_rollout_ref.model.path="$MODEL" \
  trainer.n_gpus_per_node="${GPUS:-8}" \
  trainer.nnodes="${NODES:-1}" "$@"
