"""Spatial-SSRL reward for verl as `async def`, scored by the ssrl-serve reward server.

verl v0.7's reward loop awaits an async compute_score directly:

    reward:
      custom_reward_function:
        path: ./verl_reward_async.py
        name: compute_score
        reward_kwargs: {format_weight: 0.1}

compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs) returns
{"score", "format", "accuracy"}. Needs aiohttp (verl's Ray installs it); verl_reward.py is the
standard-library version. `partial_credit: true` in reward_kwargs turns on partial credit by the
rule of the row's task (extra_info.task); off by default (exact match, EasyR1's img_score).

The server is at SSRL_REWARD_URL (default http://127.0.0.1:8000). A call that cannot be
scored raises RewardServerError after retrying with back-off; it never returns a reward of 0
for a failed call. Settings (environment): SSRL_REWARD_RETRIES (8), SSRL_REWARD_TIMEOUT
seconds per attempt (180), SSRL_REWARD_BACKOFF first wait in seconds (0.5, doubling up to 30).
"""

import asyncio
import json
import math
import os
import random
import sys

try:
    import aiohttp
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("verl_reward_async.py needs aiohttp (pip install aiohttp); verl_reward.py needs nothing") from error

ROUTE = "/verl/compute_score"


class RewardServerError(RuntimeError):
    """The reward server did not score the request (unreachable, or it rejected the request)."""


def _setting(name, default, cast):
    value = os.environ.get(name, "")
    try:
        return cast(value) if value.strip() else default
    except ValueError:
        raise RewardServerError("%s=%r is not a valid %s" % (name, value, cast.__name__)) from None


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


async def _post(route, payload):
    url = os.environ.get("SSRL_REWARD_URL", "http://127.0.0.1:8000").rstrip("/") + route
    retries = _setting("SSRL_REWARD_RETRIES", 8, int)
    timeout = aiohttp.ClientTimeout(total=_setting("SSRL_REWARD_TIMEOUT", 180.0, float))
    backoff = _setting("SSRL_REWARD_BACKOFF", 0.5, float)
    body = json.dumps(payload, default=_plain).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    last = "no attempt made"
    # trust_env=False: the reward server sits next to the trainer, never behind an HTTP proxy.
    async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
        for attempt in range(retries + 1):
            if attempt > 0:
                delay = min(30.0, backoff * 2 ** (attempt - 1)) * random.uniform(0.75, 1.0)
                print("ssrl reward: %s failed (%s); retry %d of %d in %.1f s" % (url, last, attempt, retries, delay), file=sys.stderr, flush=True)
                await asyncio.sleep(delay)
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    text = await response.read()
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                last = "%s: %s" % (type(error).__name__, error)
                continue
            if status >= 400:
                detail = text.decode("utf-8", "replace")[:2000]
                if status < 500 and status not in (408, 429):
                    raise RewardServerError("reward server %s rejected the request (HTTP %d): %s" % (url, status, detail))
                last = "HTTP %d: %s" % (status, detail)
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


async def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl reward for one response, awaited by the reward loop: {"score", "format", "accuracy"}."""
    payload = {"data_source": data_source, "solution_str": solution_str, "ground_truth": ground_truth}
    extra = _extra(extra_info)
    if extra is not None:
        payload["extra_info"] = extra
    if kwargs.get("format_weight") is not None:
        payload["format_weight"] = kwargs["format_weight"]
    if kwargs.get("partial_credit") is not None:
        payload["partial_credit"] = bool(kwargs["partial_credit"])
    item = await _post(ROUTE, payload)
    if not isinstance(item, dict) or not all(isinstance(item.get(k), (int, float)) for k in ("score", "format", "accuracy")):
        raise RewardServerError("reward server %s returned a malformed score: %r" % (ROUTE, item))
    return item
