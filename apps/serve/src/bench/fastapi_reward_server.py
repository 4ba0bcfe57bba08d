"""The comparison server of `pnpm bench:serve-rewards`: OpenRLHF's /get_reward in FastAPI + uvicorn,
scoring with the Python img_score of packages/rewards/scripts/img-score-golden.py and the same
reply extraction as ssrl-serve (prompt prefix, else the last assistant marker; a template-opened
<think> kept; cut at the first end-of-turn token).

Usage: python fastapi_reward_server.py GOLDEN_SCRIPT HOST PORT
"""

import importlib.util
import sys
from typing import List, Optional

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

spec = importlib.util.spec_from_file_location("img_score_reference", sys.argv[1])
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)

ASSISTANT = "<|im_start|>assistant\n"
END_MARKERS = ("<|im_end|>", "<|endoftext|>")


class RewardRequest(BaseModel):
    query: List[str]
    prompts: Optional[List[str]] = None
    labels: List[str]


def kept_tail(tail):
    opened = tail.rfind("<think>")
    return tail if opened != -1 and opened > tail.rfind("</think>") else ""


def reply_of(query, prompt):
    at = prompt.rfind(ASSISTANT)
    tail = prompt[at + len(ASSISTANT):] if at != -1 else ""
    if prompt and query.startswith(prompt):
        response = kept_tail(tail) + query[len(prompt):]
    else:
        at = query.rfind(ASSISTANT)
        response = query if at == -1 else query[at + len(ASSISTANT):]
        if at != -1 and tail and response.startswith(tail):
            response = kept_tail(tail) + response[len(tail):]
    end = len(response)
    for marker in END_MARKERS:
        found = response.find(marker)
        if found != -1 and found < end:
            end = found
    return response[:end]


app = FastAPI()


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.post("/get_reward")
async def get_reward(request: RewardRequest):
    prompts = request.prompts or [""] * len(request.query)
    rewards, formats, accuracies = [], [], []
    for query, prompt, label in zip(request.query, prompts, request.labels):
        score = reference.img_score(reply_of(query, prompt), label)
        rewards.append(score["overall"])
        formats.append(score["format"])
        accuracies.append(score["accuracy"])
    return {"rewards": rewards, "scores": list(rewards), "extra_logs": {"format": formats, "accuracy": accuracies}}


if __name__ == "__main__":
    uvicorn.run(app, host=sys.argv[2], port=int(sys.argv[3]), log_level="warning", access_log=False)
