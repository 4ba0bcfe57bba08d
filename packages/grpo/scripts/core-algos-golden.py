"""Golden values for @spatial-ssrl/grpo from a float64 numpy transcription of EasyR1.

Each function below restates, one tensor operation per line, the matching function of EasyR1
(`verl/trainer/core_algos.py`, `verl/utils/torch_functional.py`, `verl/trainer/ray_trainer.py`),
with torch ops replaced by their numpy equivalents. Dr. GRPO follows verl's
`compute_grpo_outcome_advantage` with `norm_adv_by_std_in_grpo=False`.

Usage: python3 scripts/core-algos-golden.py   (writes src/__fixtures__/core-algos-golden.json)
"""

import json
import os
from collections import defaultdict

import numpy as np

SEED = 20251031
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "__fixtures__", "core-algos-golden.json")


# --- verl/utils/torch_functional.py -------------------------------------------------------------

def masked_mean(values, mask, dim=None, eps=1e-8):
    return (values * mask).sum(axis=dim) / (mask.sum(axis=dim) + eps)


def masked_var(values, mask, unbiased=True):
    mean = masked_mean(values, mask)
    centered = values - mean
    variance = masked_mean(centered ** 2, mask)
    if unbiased:
        n = mask.sum()
        if n <= 1:
            return variance
        variance = variance * (n / (n - 1))
    return variance


def masked_whiten(values, mask, eps=1e-8):
    mean, var = masked_mean(values, mask), masked_var(values, mask)
    return (values - mean) * (1.0 / np.sqrt(var + eps))


# --- verl/trainer/core_algos.py -----------------------------------------------------------------

def grpo_outcome_advantage(token_level_rewards, response_mask, index, eps=1e-6):
    scores = token_level_rewards.sum(axis=-1)
    id2score = defaultdict(list)
    id2mean, id2std = {}, {}
    for i in range(scores.shape[0]):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        assert len(id2score[idx]) > 1
        group = np.array(id2score[idx])
        id2mean[idx] = np.mean(group)
        id2std[idx] = np.std(group, ddof=1)  # torch.std is unbiased
    for i in range(scores.shape[0]):
        scores[i] = (scores[i] - id2mean[index[i]]) / (id2std[index[i]] + eps)
    returns = scores[:, None] * response_mask
    return returns, returns


def dr_grpo_outcome_advantage(token_level_rewards, response_mask, index):
    scores = token_level_rewards.sum(axis=-1)
    id2score = defaultdict(list)
    id2mean = {}
    for i in range(scores.shape[0]):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        assert len(id2score[idx]) > 1
        id2mean[idx] = np.mean(np.array(id2score[idx]))
    for i in range(scores.shape[0]):
        scores[i] = scores[i] - id2mean[index[i]]
    returns = scores[:, None] * response_mask
    return returns, returns


def rloo_outcome_advantage(token_level_rewards, response_mask, index):
    scores = token_level_rewards.sum(axis=-1)
    id2score = defaultdict(list)
    id2sum = {}
    for i in range(scores.shape[0]):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        id2sum[idx] = np.sum(np.array(id2score[idx]))
    for i in range(scores.shape[0]):
        n = len(id2score[index[i]])
        assert n > 1
        baseline = (id2sum[index[i]] - scores[i]) / (n - 1)
        scores[i] = scores[i] - baseline
    returns = scores[:, None] * response_mask
    return returns, returns


def reinforce_plus_plus_outcome_advantage(token_level_rewards, response_mask, gamma):
    returns = np.zeros_like(token_level_rewards)
    running = 0.0
    for t in reversed(range(token_level_rewards.shape[1])):
        running = token_level_rewards[:, t] + gamma * running
        returns[:, t] = running
        running = running * response_mask[:, t]
    advantages = masked_whiten(returns, response_mask)
    return advantages, returns


def average_loss(values, mask, mode, eps=1e-8):
    if mode == "token":
        return masked_mean(values, mask, eps=eps)
    if mode == "seq":
        return ((values * mask).sum(-1) / (mask.sum(-1) + eps)).mean()
    raise NotImplementedError(mode)


def compute_policy_loss(old_log_probs, log_probs, advantages, response_mask, clip_ratio_low, clip_ratio_high,
                        clip_ratio_dual, loss_type, loss_avg_mode):
    negative_approx_kl = log_probs - old_log_probs
    if loss_type == "gspo_token":
        seq = masked_mean(negative_approx_kl, response_mask, dim=-1)
        # value of `seq.detach().unsqueeze(-1) + log_probs - log_probs.detach()`
        log_importance_ratio = (seq[:, None] + log_probs) - log_probs
    else:
        log_importance_ratio = negative_approx_kl
    ratio = np.exp(np.clip(log_importance_ratio, -20.0, 20.0))
    clipped_ratio = np.exp(np.clip(log_importance_ratio, np.log(1.0 - clip_ratio_low), np.log(1.0 + clip_ratio_high)))
    metrics = {"ppo_kl": -negative_approx_kl}
    metrics["entropy_loss"] = average_loss(-log_probs, response_mask, loss_avg_mode)
    if loss_type == "cispo":
        final = -advantages * log_probs * clipped_ratio
    else:
        pg1 = -advantages * ratio
        pg2 = -advantages * clipped_ratio
        pg3 = -advantages * clip_ratio_dual
        higher = np.maximum(pg1, pg2)
        metrics["pg_clipfrac_higher"] = (pg1 < pg2).astype(np.float64)
        lower = np.minimum(higher, pg3)
        final = np.where(advantages < 0, lower, higher)
        metrics["pg_clipfrac_lower"] = (higher > pg3).astype(np.float64) * (advantages < 0).astype(np.float64)
    per_token = final * response_mask
    loss = average_loss(final, response_mask, loss_avg_mode)
    metrics = {k: float(masked_mean(v, response_mask)) for k, v in metrics.items()}
    return float(loss), per_token, metrics


def compute_kl(log_probs, ref_log_probs, kind):
    if kind == "kl":
        return log_probs - ref_log_probs
    if kind == "abs":
        return np.abs(log_probs - ref_log_probs)
    if kind == "mse":
        return 0.5 * np.square(log_probs - ref_log_probs)
    if kind == "low_var_kl":
        kl = np.clip(ref_log_probs - log_probs, -20.0, 20.0)
        kld = np.exp(kl) - kl - 1
        return np.clip(kld, -10.0, 10.0)
    if kind == "full":
        # F.kl_div(input=ref, target=lp, log_target=True) = exp(lp) * (lp - ref)
        return (np.exp(log_probs) * (log_probs - ref_log_probs)).sum(-1)
    raise NotImplementedError(kind)


class AdaptiveKLController:
    def __init__(self, init_kl_coef, target_kl, horizon):
        self.kl_coef = init_kl_coef
        self.target = target_kl
        self.horizon = horizon

    def update(self, current_kl, n_steps):
        proportional_error = np.clip(current_kl / self.target - 1, -0.2, 0.2)
        mult = 1 + proportional_error * n_steps / self.horizon
        self.kl_coef *= mult


# --- verl/trainer/ray_trainer.py ----------------------------------------------------------------

def apply_kl_penalty(token_level_scores, old_log_probs, ref_log_probs, response_mask, kl_coef, kind):
    kld = compute_kl(old_log_probs, ref_log_probs, kind)
    kld = kld * response_mask
    rewards = token_level_scores - kl_coef * kld
    current_kl = masked_mean(kld, response_mask, dim=-1)
    current_kl = float(np.mean(current_kl, axis=0))
    return rewards, kld, current_kl


def online_filtering(scores, uids, low, high):
    uid2scores = defaultdict(list)
    for uid, score in zip(uids, scores):
        uid2scores[uid].append(score)
    kept = {uid for uid, s in uid2scores.items() if low < np.mean(s) < high}
    return [i for i, uid in enumerate(uids) if uid in kept]


# --- inputs -------------------------------------------------------------------------------------

rng = np.random.default_rng(SEED)


def random_mask(b, l, empty_rows=(), full_rows=()):
    lengths = rng.integers(1, l + 1, size=b)
    for r in empty_rows:
        lengths[r] = 0
    for r in full_rows:
        lengths[r] = l
    return (np.arange(l)[None, :] < lengths[:, None]).astype(np.float64)


def layout(kind, groups, n):
    if kind == "contiguous":
        ids = [g for g in range(groups) for _ in range(n)]
    elif kind == "interleaved":
        ids = [g for _ in range(n) for g in range(groups)]
    else:
        ids = [g for g in range(groups) for _ in range(n)]
        ids = [ids[i] for i in rng.permutation(len(ids))]
    return ids


def outcome_rewards(mask, values):
    """Scalar reward on the last response token (EasyR1 puts it there)."""
    rewards = np.zeros_like(mask)
    for i in range(mask.shape[0]):
        length = int(mask[i].sum())
        rewards[i, max(length - 1, 0)] = values[i]
    return rewards


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


advantage_cases = []
specs = [
    # name, groups, n, L, layout, reward style, id style
    ("outcome-contiguous", 4, 5, 8, "contiguous", "outcome", "int"),
    ("outcome-interleaved", 3, 4, 6, "interleaved", "outcome", "str"),
    ("dense-shuffled", 5, 3, 7, "shuffled", "dense", "int"),
    ("dense-interleaved-pairs", 6, 2, 5, "interleaved", "dense", "str"),
    ("outcome-large", 8, 8, 16, "shuffled", "outcome", "str"),
    ("one-column", 3, 4, 1, "contiguous", "dense", "int"),
]
for name, groups, n, length, lay, style, id_style in specs:
    b = groups * n
    ids = layout(lay, groups, n)
    index = [f"prompt-{g}" for g in ids] if id_style == "str" else ids
    mask = random_mask(b, length, empty_rows=(1,) if length > 1 else (), full_rows=(0,))
    if style == "outcome":
        values = rng.choice([0.0, 0.1, 0.9, 1.0], size=b)
        rewards = outcome_rewards(mask, values)
    else:
        rewards = rng.normal(0.0, 1.0, size=(b, length))
    # one group with identical scores in every case
    first = ids[0]
    for i in range(b):
        if ids[i] == first:
            rewards[i] = 0.0
            rewards[i, 0] = 0.9
    grpo_a, grpo_r = grpo_outcome_advantage(rewards.copy(), mask, index)
    dr_a, dr_r = dr_grpo_outcome_advantage(rewards.copy(), mask, index)
    rloo_a, rloo_r = rloo_outcome_advantage(rewards.copy(), mask, index)
    rpp = {}
    for gamma in (1.0, 0.9):
        a, r = reinforce_plus_plus_outcome_advantage(rewards.copy(), mask, gamma)
        rpp[str(gamma)] = {"gamma": gamma, "advantages": tolist(a), "returns": tolist(r)}
    advantage_cases.append({
        "name": name,
        "tokenLevelRewards": tolist(rewards),
        "responseMask": tolist(mask),
        "index": index,
        "scores": tolist(rewards.sum(-1)),
        "grpo": {"advantages": tolist(grpo_a), "returns": tolist(grpo_r)},
        "drGrpo": {"advantages": tolist(dr_a), "returns": tolist(dr_r)},
        "rloo": {"advantages": tolist(rloo_a), "returns": tolist(rloo_r)},
        "reinforcePlusPlus": [rpp["1.0"], rpp["0.9"]],
    })


def log_ratio_with_extremes(b, l):
    x = rng.normal(0.0, 0.3, size=(b, l))
    flat = x.reshape(-1)
    picks = rng.choice(flat.size, size=min(8, flat.size), replace=False)
    for k, p in enumerate(picks):
        flat[p] = [25.0, -25.0, 50.0, -50.0, 0.2, -0.25, 21.5, -30.0][k]
    return x


policy_cases = []
configs = [(0.2, 0.28, 3.0), (0.2, 0.3, 3.0)]
for name, b, l, adv_style in [("outcome-small", 4, 6, "outcome"), ("token-medium", 8, 12, "token"),
                              ("outcome-wide", 6, 20, "outcome")]:
    mask = random_mask(b, l, empty_rows=(2,), full_rows=(0,))
    log_probs = np.log(rng.uniform(0.05, 1.0, size=(b, l)))
    old_log_probs = log_probs - log_ratio_with_extremes(b, l)
    if adv_style == "outcome":
        per_row = rng.normal(0.0, 1.0, size=b)
        per_row[1] = 0.0
        advantages = per_row[:, None] * mask
    else:
        advantages = rng.normal(0.0, 1.5, size=(b, l))
        advantages[1, :] = 0.0
    results = []
    for low, high, dual in configs:
        for loss_type in ("default", "gspo_token", "cispo"):
            for mode in ("token", "seq"):
                loss, per_token, metrics = compute_policy_loss(old_log_probs, log_probs, advantages, mask, low,
                                                               high, dual, loss_type, mode)
                results.append({
                    "clipRatioLow": low, "clipRatioHigh": high, "clipRatioDual": dual,
                    "lossType": loss_type, "lossAvgMode": mode,
                    "pgLoss": loss, "perTokenLoss": tolist(per_token),
                    "metrics": {
                        "ppoKl": metrics["ppo_kl"],
                        "entropyLoss": metrics["entropy_loss"],
                        **({"pgClipfracHigher": metrics["pg_clipfrac_higher"],
                            "pgClipfracLower": metrics["pg_clipfrac_lower"]} if loss_type != "cispo" else {}),
                    },
                })
    policy_cases.append({
        "name": name,
        "oldLogProbs": tolist(old_log_probs),
        "logProbs": tolist(log_probs),
        "advantages": tolist(advantages),
        "responseMask": tolist(mask),
        "results": results,
    })

kl_cases = []
for name, b, l in [("kl-small", 3, 5), ("kl-medium", 6, 10)]:
    log_probs = np.log(rng.uniform(0.01, 1.0, size=(b, l)))
    ref_log_probs = log_probs + log_ratio_with_extremes(b, l)
    kl_cases.append({
        "name": name,
        "logProbs": tolist(log_probs),
        "refLogProbs": tolist(ref_log_probs),
        "kinds": {kind: tolist(compute_kl(log_probs, ref_log_probs, kind)) for kind in ("kl", "abs", "mse", "low_var_kl")},
    })


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


full_logits = rng.normal(0.0, 2.0, size=(3, 4, 7))
full_ref_logits = full_logits + rng.normal(0.0, 0.7, size=(3, 4, 7))
full_lp, full_ref = log_softmax(full_logits), log_softmax(full_ref_logits)
full_kl_case = {"logProbs": tolist(full_lp), "refLogProbs": tolist(full_ref), "kl": tolist(compute_kl(full_lp, full_ref, "full"))}

masked_cases = []
for name, b, l, mask in [
    ("random", 5, 7, None),
    ("single-token", 3, 4, np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])),
    ("empty", 2, 3, np.zeros((2, 3))),
]:
    values = rng.normal(0.0, 2.0, size=(b, l))
    if mask is None:
        mask = random_mask(b, l, empty_rows=(3,))
    masked_cases.append({
        "name": name,
        "values": tolist(values),
        "mask": tolist(mask),
        "sum": float((values * mask).sum()),
        "mean": float(masked_mean(values, mask)),
        "rowMean": tolist(masked_mean(values, mask, dim=-1)),
        "varUnbiased": float(masked_var(values, mask, True)),
        "varBiased": float(masked_var(values, mask, False)),
        "whiten": tolist(masked_whiten(values, mask)),
        "averageLoss": {"token": float(average_loss(values, mask, "token")), "seq": float(average_loss(values, mask, "seq"))},
    })

controller = AdaptiveKLController(0.05, 0.1, 1000.0)
updates = [(0.3, 64), (0.05, 128), (0.1, 32), (0.0, 256), (0.11, 512), (0.2, 10)]
values = []
for kl, n in updates:
    controller.update(kl, n)
    values.append(float(controller.kl_coef))
adaptive_case = {"initKlCoef": 0.05, "targetKl": 0.1, "horizon": 1000.0,
                 "updates": [{"currentKl": kl, "nSteps": n} for kl, n in updates], "values": values}

b, l = 5, 6
kl_mask = random_mask(b, l, empty_rows=(4,), full_rows=(0,))
kl_scores = outcome_rewards(kl_mask, rng.choice([0.0, 1.0], size=b))
kl_old = np.log(rng.uniform(0.05, 1.0, size=(b, l)))
kl_ref = kl_old + rng.normal(0.0, 0.5, size=(b, l))
reward_kl_cases = []
for kind in ("kl", "low_var_kl"):
    rewards, kld, current = apply_kl_penalty(kl_scores, kl_old, kl_ref, kl_mask, 0.02, kind)
    reward_kl_cases.append({"kind": kind, "klCoef": 0.02, "tokenLevelRewards": tolist(rewards), "kl": tolist(kld),
                            "currentKl": current})
reward_kl = {"tokenLevelScores": tolist(kl_scores), "oldLogProbs": tolist(kl_old), "refLogProbs": tolist(kl_ref),
             "responseMask": tolist(kl_mask), "cases": reward_kl_cases}

filter_ids = layout("shuffled", 6, 5)
filter_scores = rng.choice([0.0, 1.0], size=len(filter_ids), p=[0.5, 0.5])
for i, g in enumerate(filter_ids):
    if g == 0:
        filter_scores[i] = 1.0
    if g == 1:
        filter_scores[i] = 0.0
filter_case = {"scores": tolist(filter_scores), "index": filter_ids, "low": 0.01, "high": 0.99,
               "keptRows": online_filtering(filter_scores.tolist(), filter_ids, 0.01, 0.99)}

golden = {
    "source": "numpy float64 transcription of EasyR1 core_algos.py / torch_functional.py / ray_trainer.py",
    "seed": SEED,
    "advantages": advantage_cases,
    "policyLoss": policy_cases,
    "kl": kl_cases,
    "fullKl": full_kl_case,
    "masked": masked_cases,
    "adaptiveKl": adaptive_case,
    "rewardKl": reward_kl,
    "filterGroups": filter_case,
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(golden, f, separators=(",", ":"), allow_nan=False)
    f.write("\n")
print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")
