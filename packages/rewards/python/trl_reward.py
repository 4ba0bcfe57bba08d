"""Spatial-SSRL reward function for TRL (v1.x GRPOTrainer), scored by the ssrl-serve reward server.

    from trl_reward import spatial_ssrl_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[spatial_ssrl_reward], train_dataset=dataset, ...)

TRL calls f(prompts, completions, completion_ids=None, **columns) and passes every dataset
column by name; this function reads the `solution` column (the ground-truth answer) and returns
one float per completion, the `overall` reward of EasyR1's img_score. Completions may be plain
strings or conversational ([{"role": "assistant", "content": ...}]). When TRL hands over
`log_metric`, the batch means of the format and accuracy rewards are logged too. The same
function is exposed as compute_score.

Partial credit (off by default, then exact match as in EasyR1's img_score): use
spatial_ssrl_partial_reward instead; the server scores answers with parts by the rule of each
row's task, read from the `task` column this project's TRL export writes.

The server is at SSRL_REWARD_URL (default http://127.0.0.1:8000). Standard library only.
A call that cannot be scored raises RewardServerError after retrying with back-off; it
never returns a reward of 0 for a failed call. Settings (environment): SSRL_REWARD_RETRIES
(8), SSRL_REWARD_TIMEOUT seconds per attempt (180), SSRL_REWARD_BACKOFF first wait in
seconds (0.5, doubling up to 30), SSRL_REWARD_BATCH items per request (1024).
"""

import json
import os
import random
import sys
import time
import urllib.error
import urllib.request

ROUTE = "/easyr1/reward"


class RewardServerError(RuntimeError):
    """The reward server did not score the batch (unreachable, or it rejected the request)."""


def _setting(name, default, cast):
    value = os.environ.get(name, "")
    try:
        return cast(value) if value.strip() else default
    except ValueError:
        raise RewardServerError("%s=%r is not a valid %s" % (name, value, cast.__name__)) from None


def _plain(value):
    # numpy and torch scalars or arrays become Python values; anything else is the server's to reject.
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


def _post(route, payload):
    url = os.environ.get("SSRL_REWARD_URL", "http://127.0.0.1:8000").rstrip("/") + route
    retries = _setting("SSRL_REWARD_RETRIES", 8, int)
    timeout = _setting("SSRL_REWARD_TIMEOUT", 180.0, float)
    backoff = _setting("SSRL_REWARD_BACKOFF", 0.5, float)
    body = json.dumps(payload, default=_plain).encode("utf-8")
    # The reward server sits next to the trainer: never send it through an HTTP proxy.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    last = "no attempt made"
    for attempt in range(retries + 1):
        if attempt > 0:
            delay = min(30.0, backoff * 2 ** (attempt - 1)) * random.uniform(0.75, 1.0)
            print("ssrl reward: %s failed (%s); retry %d of %d in %.1f s" % (url, last, attempt, retries, delay), file=sys.stderr, flush=True)
            time.sleep(delay)
        request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
        try:
            with opener.open(request, timeout=timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:2000]
            if error.code < 500 and error.code not in (408, 429):
                raise RewardServerError("reward server %s rejected the request (HTTP %d): %s" % (url, error.code, detail)) from None
            last = "HTTP %d: %s" % (error.code, detail)
            continue
        except OSError as error:
            last = "%s: %s" % (type(error).__name__, getattr(error, "reason", None) or error)
            continue
        try:
            return json.loads(text)
        except ValueError:
            raise RewardServerError("reward server %s answered with something that is not JSON: %r" % (url, text[:200])) from None
    raise RewardServerError(
        "could not reach the reward server at %s after %d attempts (last error: %s); start it with "
        "`ssrl-serve --port 8000` or set SSRL_REWARD_URL" % (url, retries + 1, last)
    )


def _text(completion):
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list):
        replies = [m for m in completion if isinstance(m, dict) and m.get("role", "assistant") == "assistant"]
        if replies:
            content = replies[-1].get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type", "text") == "text")
    raise ValueError("cannot read the text of completion %r: expected a string or a list of chat messages" % (completion,))


def spatial_ssrl_reward(prompts, completions, completion_ids=None, solution=None, **kwargs):
    """TRL reward function: one float per completion, scored against the `solution` column."""
    return _reward(completions, solution, kwargs, kwargs.get("partial_credit"))


def spatial_ssrl_partial_reward(prompts, completions, completion_ids=None, solution=None, **kwargs):
    """TRL reward function with partial credit by each row's task (the `task` column)."""
    return _reward(completions, solution, kwargs, True)


def _reward(completions, solution, kwargs, partial_credit):
    if solution is None:
        raise ValueError("spatial_ssrl_reward needs a `solution` column in the dataset (the ground-truth answer)")
    if len(solution) != len(completions):
        raise ValueError("got %d completions but %d solutions" % (len(completions), len(solution)))
    inputs = [{"response": _text(c), "ground_truth": s} for c, s in zip(completions, solution)]
    tasks = kwargs.get("task")
    if tasks is not None and len(tasks) == len(inputs):
        for item, task in zip(inputs, tasks):
            if task:
                item["task"] = str(task)
    size = max(1, _setting("SSRL_REWARD_BATCH", 1024, int))
    scores = []
    for start in range(0, len(inputs), size):
        chunk = inputs[start : start + size]
        payload = {"reward_inputs": chunk}
        if kwargs.get("format_weight") is not None:
            payload["format_weight"] = kwargs["format_weight"]
        if partial_credit is not None:
            payload["partial_credit"] = bool(partial_credit)
        reply = _post(ROUTE, payload)
        if not isinstance(reply, list) or len(reply) != len(chunk):
            raise RewardServerError("reward server %s returned %s for %d completions" % (ROUTE, type(reply).__name__, len(chunk)))
        for item in reply:
            if not isinstance(item, dict) or not all(isinstance(item.get(k), (int, float)) for k in ("overall", "format", "accuracy")):
                raise RewardServerError("reward server %s returned a malformed score: %r" % (ROUTE, item))
        scores.extend(reply)
    log_metric = kwargs.get("log_metric")
    if callable(log_metric) and scores:
        log_metric("spatial_ssrl/format", sum(s["format"] for s in scores) / len(scores))
        log_metric("spatial_ssrl/accuracy", sum(s["accuracy"] for s in scores) / len(scores))
    return [float(s["overall"]) for s in scores]


compute_score = spatial_ssrl_reward
