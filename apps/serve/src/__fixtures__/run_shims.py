"""Test driver written for this app's tests: loads the reward shims the way their trainers do
and runs them on the cases read from stdin, printing one JSON document of results.

Usage: python3 run_shims.py REQUEST.json, where the file holds
{"shims": DIR, "mode": "all" | "easyr1-once" | "easyr1-twice" | "partial", "cases": [{"response", "ground_truth", "format_weight"}]}.
In "easyr1-twice" mode the second call waits for a line on stdin. In "partial" mode each case also
has a "task", and every shim is run with partial credit on and with its default (off).
"""

import asyncio
import importlib.util
import json
import sys


def load(directory, name):
    # EasyR1 and verl load a reward file by path, outside sys.path.
    spec = importlib.util.spec_from_file_location("shim_" + name, "%s/%s.py" % (directory, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def by_weight(cases):
    groups = {}
    for index, case in enumerate(cases):
        groups.setdefault(case["format_weight"], []).append(index)
    return groups


def run_easyr1(module, cases):
    out = [None] * len(cases)
    for weight, indices in by_weight(cases).items():
        inputs = [{"response": cases[i]["response"], "response_length": len(cases[i]["response"]), "ground_truth": cases[i]["ground_truth"]} for i in indices]
        for i, score in zip(indices, module.compute_score(inputs, format_weight=weight)):
            out[i] = score
    return out


def run_verl(module, cases):
    single = [
        module.compute_score("spatial_ssrl", c["response"], c["ground_truth"], {"task": "depth", "index": i}, format_weight=c["format_weight"])
        for i, c in enumerate(cases)
    ]
    batch = [None] * len(cases)
    for weight, indices in by_weight(cases).items():
        scores = module.compute_score_batch(
            ["spatial_ssrl"] * len(indices), [cases[i]["response"] for i in indices], [cases[i]["ground_truth"] for i in indices], [{"split": "train"}] * len(indices), format_weight=weight
        )
        for i, score in zip(indices, scores):
            batch[i] = score
    return single, batch


def run_verl_async(module, cases):
    async def all_cases():
        limit = asyncio.Semaphore(32)

        async def one(i, case):
            async with limit:
                return await module.compute_score("spatial_ssrl", case["response"], case["ground_truth"], extra_info=None, format_weight=case["format_weight"])

        return await asyncio.gather(*(one(i, c) for i, c in enumerate(cases)))

    return asyncio.run(all_cases())


def run_trl(module, cases):
    out = [None] * len(cases)
    metrics = {}
    for weight, indices in by_weight(cases).items():
        # Half the completions conversational, as TRL passes them for chat datasets.
        completions = [cases[i]["response"] if k % 2 else [{"role": "assistant", "content": cases[i]["response"]}] for k, i in enumerate(indices)]
        rewards = module.compute_score(
            prompts=[[{"role": "user", "content": "q"}]] * len(indices),
            completions=completions,
            completion_ids=[[1, 2]] * len(indices),
            solution=[cases[i]["ground_truth"] for i in indices],
            task=["depth"] * len(indices),
            format_weight=weight,
            log_metric=lambda name, value: metrics.setdefault(name, []).append(value),
        )
        for i, reward in zip(indices, rewards):
            out[i] = reward
    return out, metrics


def run_partial(directory, cases):
    easyr1, verl, verl_async, trl = (load(directory, name) for name in ("easyr1_reward", "verl_reward", "verl_reward_async", "trl_reward"))
    inputs = [{"response": c["response"], "response_length": 3, "ground_truth": c["ground_truth"], "task": c["task"]} for c in cases]
    untagged = [{"response": c["response"], "ground_truth": c["ground_truth"]} for c in cases]
    result = {
        "easyr1": easyr1.compute_score(inputs, format_weight=0.1, partial_credit=True),
        "easyr1_default": easyr1.compute_score(inputs, format_weight=0.1),
        # A one-task run names its task in reward_function_kwargs.
        "easyr1_task_kwarg": easyr1.compute_score(untagged[:1], partial_credit=True, task=cases[0]["task"]),
        "verl": [verl.compute_score("spatial_ssrl", c["response"], c["ground_truth"], {"task": c["task"]}, partial_credit=True) for c in cases],
        "verl_default": [verl.compute_score("spatial_ssrl", c["response"], c["ground_truth"], {"task": c["task"]}) for c in cases],
        "verl_batch": verl.compute_score_batch(
            ["spatial_ssrl"] * len(cases), [c["response"] for c in cases], [c["ground_truth"] for c in cases], [{"task": c["task"]} for c in cases], partial_credit=True
        ),
    }

    async def async_cases():
        return await asyncio.gather(*(verl_async.compute_score("spatial_ssrl", c["response"], c["ground_truth"], extra_info={"task": c["task"]}, partial_credit=True) for c in cases))

    result["verl_async"] = asyncio.run(async_cases())
    columns = dict(prompts=[[{"role": "user", "content": "q"}]] * len(cases), completions=[c["response"] for c in cases], solution=[c["ground_truth"] for c in cases], task=[c["task"] for c in cases])
    result["trl"] = trl.spatial_ssrl_partial_reward(**columns)
    result["trl_default"] = trl.spatial_ssrl_reward(**columns)
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        request = json.load(file)
    directory, cases = request["shims"], request["cases"]
    if request.get("mode") == "easyr1-twice":
        module = load(directory, "easyr1_reward")
        first = module.compute_score(cases)
        print(json.dumps({"first": first}), flush=True)
        sys.stdin.readline()  # the test has killed the server by now
        print(json.dumps({"second": module.compute_score(cases)}), flush=True)
        return
    if request.get("mode") == "partial":
        print(json.dumps(run_partial(directory, cases)))
        return
    if request.get("mode") == "easyr1-once":
        module = load(directory, "easyr1_reward")
        print(json.dumps({"scores": module.compute_score(cases)}))
        return
    easyr1 = load(directory, "easyr1_reward")
    result = {"easyr1": run_easyr1(easyr1, cases), "easyr1_meta": [easyr1.REWARD_TYPE, easyr1.REWARD_NAME, easyr1.main is easyr1.compute_score]}
    result["verl"], result["verl_batch"] = run_verl(load(directory, "verl_reward"), cases)
    result["verl_async"] = run_verl_async(load(directory, "verl_reward_async"), cases)
    result["trl"], result["trl_metrics"] = run_trl(load(directory, "trl_reward"), cases)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
