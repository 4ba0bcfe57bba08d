"""Test driver written for this app's tests: talks to ssrl-serve with the official `openai`
Python package and prints one JSON document of what it got.

Usage: python3 openai_client.py BASE_URL MODEL IMAGE.png
"""
import base64
import json
import sys

import openai

base_url, model, image_path = sys.argv[1:4]
with open(image_path, "rb") as f:
    url = "data:image/png;base64," + base64.b64encode(f.read()).decode("ascii")
client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)
messages = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": "Which patch is flipped?"}]}]
out = {"version": openai.__version__}

chat = client.chat.completions.create(model=model, messages=messages, temperature=0, max_tokens=12, seed=3)
out["chat"] = {"text": chat.choices[0].message.content, "finish": chat.choices[0].finish_reason, "usage": chat.usage.model_dump(), "fingerprint": chat.system_fingerprint}

pieces, finish = [], None
for chunk in client.chat.completions.create(model=model, messages=messages, temperature=0, max_tokens=12, seed=3, stream=True):
    for c in chunk.choices:
        pieces.append(c.delta.content or "")
        finish = c.finish_reason or finish
out["stream"] = {"text": "".join(pieces), "finish": finish}

three = client.chat.completions.create(model=model, messages=messages, temperature=1, max_tokens=12, seed=3, n=3)
out["n3"] = [{"index": c.index, "text": c.message.content} for c in three.choices]

try:
    client.chat.completions.create(model=model, messages=messages, max_tokens=-1)
    out["error"] = None
except openai.BadRequestError as e:
    out["error"] = {"status": e.status_code, "param": e.body.get("param") if isinstance(e.body, dict) else None, "message": str(e)}

print(json.dumps(out))
