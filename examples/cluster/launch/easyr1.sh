#!/usr/bin/env bash
# GRPO with EasyR1 (v0.3.x) on an export (ssrl-train export --to easyr1), scored by the
# Spatial-SSRL reward server. Run on the Ray head node, with EasyR1 installed (pip install -e .).
set -euo pipefail
EXPORT=$(realpath "${EXPORT:?set EXPORT to the folder written by ssrl-train export --to easyr1}")
MODEL=${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}
export SSRL_REWARD_URL=${SSRL_REWARD_URL:-http://127.0.0.1:8000}   # where the reward shim posts

# The reward server (pnpm ssrl-serve --port 8000) must answer before training starts: the shim
# raises when it cannot reach it rather than scoring 0.
curl -fsS "$SSRL_REWARD_URL/health" >/dev/null || { echo "no reward server at $SSRL_REWARD_URL (start: pnpm ssrl-serve --port 8000)"; exit 1; }

# Absolute paths, so Ray workers on any node find the data, the format prompt and the shim.
python3 -m verl.trainer.main \
  config="$EXPORT/easyr1_config.yaml" \
  data.train_files="$EXPORT/train@train" \
  data.val_files="$EXPORT/test@test" \
  data.format_prompt="$EXPORT/format_prompt.jinja" \
  worker.reward.reward_function="$EXPORT/reward.py:compute_score" \
  worker.actor.model.model_path="$MODEL" \
  trainer.n_gpus_per_node="${GPUS:-8}" \
  trainer.nnodes="${NODES:-1}" "$@"
