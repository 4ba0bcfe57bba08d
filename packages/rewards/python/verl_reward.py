"""Spatial-SSRL reward for verl, scored by the ssrl-serve reward server.

verl v0.7 (config under `reward.`; older versions read the same keys at the top level):

    reward:
      custom_reward_function:
        path: ./verl_reward.py
        name: compute_score
        reward_kwargs: {format_weight: 0.1}

compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs) returns
{"score", "format", "accuracy"}; verl uses "score" as the reward and logs the other keys.
With `reward.reward_manager.name=batch`, point `name` at compute_score_batch instead: one
request per batch. verl_reward_async.py holds the same as `async def` (aiohttp).

Partial credit (off by default, then exact match as in EasyR1's img_score): add
`partial_credit: true` to reward_kwargs; the server scores answers with parts by the rule of
the row's task, which this project's verl export writes to extra_info.task.

The server is at SSRL_REWARD_URL (default http://127.0.0.1:8000). Standard library only.
A call that cannot be scored raises RewardServerError after retrying with back-off; it
never returns a reward of 0 for a failed call. Settings (environment): SSRL_REWARD_RETRIES
(8), SSRL_REWARD_TIMEOUT seconds per attempt (180), SSRL_REWARD_BACKOFF first wait in
seconds (0.5, doubling up to 30), SSRL_REWARD_BATCH items per request (1024).
"""

import json
import math
import os
import random
import sys
import time
import urllib.error
import urllib.request

ROUTE = "/verl/compute_score"


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


def _extra(extra_info):
    # Only plain scalar fields travel (task, variant, split, index...); verl adds objects of its own.
    if not isinstance(extra_info, dict):
        return None
    out = {}
    for key, value in extra_info.items():
        if hasattr(value, "item") and not hasattr(value, "__len__"):
            value = value.item()
        if value is None or isinstance(value, (str, bool, int)) or (isinstance(value, float) and math.isfinite(value)):
            out[str(key)] = value
    return out


def _request(data_source, solution_str, ground_truth, extra_info, kwargs):
    payload = {"data_source": data_source, "solution_str": solution_str, "ground_truth": ground_truth}
    extra = _extra(extra_info)
    if extra is not None:
        payload["extra_info"] = extra
    if kwargs.get("format_weight") is not None:
        payload["format_weight"] = kwargs["format_weight"]
    if kwargs.get("partial_credit") is not None:
        payload["partial_credit"] = bool(kwargs["partial_credit"])
    return payload


def _score(item, url_hint):
    if not isinstance(item, dict) or not all(isinstance(item.get(k), (int, float)) for k in ("score", "format", "accuracy")):
        raise RewardServerError("reward server %s returned a malformed score: %r" % (url_hint, item))
    return item


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl reward for one response: {"score", "format", "accuracy"}."""
    return _score(_post(ROUTE, _request(data_source, solution_str, ground_truth, extra_info, kwargs)), ROUTE)


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
    """verl batch reward manager: one {"score", "format", "accuracy"} per response, in order."""
    count = len(solution_strs)
    extra_infos = extra_infos if extra_infos is not None else [None] * count
    requests = [_request(data_sources[i], solution_strs[i], ground_truths[i], extra_infos[i], kwargs) for i in range(count)]
    size = max(1, _setting("SSRL_REWARD_BATCH", 1024, int))
    scores = []
    for start in range(0, count, size):
        chunk = requests[start : start + size]
        reply = _post(ROUTE, chunk)
        if not isinstance(reply, list) or len(reply) != len(chunk):
            raise RewardServerError("reward server %s returned %s for %d responses" % (ROUTE, type(reply).__name__, len(chunk)))
        scores.extend(_score(item, ROUTE) for item in reply)
    return scores
