"""Spatial-SSRL reward for EasyR1 (v0.3.x), scored by the ssrl-serve reward server.

Point the trainer at this file:

    worker:
      reward:
        reward_function: ./reward.py:compute_score
        reward_function_kwargs: {format_weight: 0.1}

EasyR1 reads REWARD_TYPE and REWARD_NAME from the module and calls
compute_score(reward_inputs, format_weight=0.1) with a list of
{"response", "response_length", "ground_truth"}; the reply is one
{"overall", "format", "accuracy"} per input, the numbers of EasyR1's img_score.

Partial credit (off by default, then exact match as in img_score): add
`partial_credit: true` to reward_function_kwargs and the server scores answers with parts
by their task's rule. EasyR1 hands over no task, so name it: an input's own "task" key when
present, else the `task` keyword (e.g. `task: jigsaw` for a one-task run); inputs without a
task keep exact match.

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

REWARD_NAME = "spatial_ssrl"
REWARD_TYPE = "batch"

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


def _scores(reply, count, url_hint):
    if not isinstance(reply, list) or len(reply) != count:
        raise RewardServerError("reward server %s returned %r for %d inputs" % (url_hint, reply if not isinstance(reply, list) else "%d items" % len(reply), count))
    for item in reply:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), (int, float)) for k in ("overall", "format", "accuracy")):
            raise RewardServerError("reward server %s returned a malformed score: %r" % (url_hint, item))
    return reply


def compute_score(reward_inputs, format_weight=0.1, partial_credit=None, task=None):
    """EasyR1 batch reward: one {"overall", "format", "accuracy"} per reward input, in order."""
    size = _setting("SSRL_REWARD_BATCH", 1024, int)
    scores = []
    for start in range(0, len(reward_inputs), max(1, size)):
        chunk = [
            {"response": item["response"], "response_length": item.get("response_length"), "ground_truth": item["ground_truth"]}
            for item in reward_inputs[start : start + size]
        ]
        for item, source in zip(chunk, reward_inputs[start : start + size]):
            if item["response_length"] is None:
                del item["response_length"]
            item_task = source.get("task") or task
            if item_task:
                item["task"] = str(item_task)
        payload = {"reward_inputs": chunk}
        if format_weight is not None:
            payload["format_weight"] = format_weight
        if partial_credit is not None:
            payload["partial_credit"] = bool(partial_credit)
        reply = _post(ROUTE, payload)
        scores.extend(_scores(reply, len(chunk), ROUTE))
    return scores


# EasyR1 calls `main` when the config names the file without `:function`.
main = compute_score
