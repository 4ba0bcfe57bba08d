"""Golden cases for the reward port: the EasyR1 `img_score` reward used by Spatial-SSRL, in plain Python.

The reference logic lives in InternLM/Spatial-SSRL `training/GRPO/examples/reward_function/math.py`
(`img_score`, `format_reward`) and hiyouga/MathRuler `mathruler/grader.py` (`extract_boxed_content`).
This script restates that logic with the standard library only, runs it on a fixed list of cases plus
seeded random strings, and prints one JSON document on stdout.

Usage: python3 scripts/img-score-golden.py > src/__fixtures__/img-score-golden.json
"""

import json
import platform
import random
import re
import sys
import unicodedata

FORMAT_PATTERN = re.compile(r"<think>.*</think>.*\\boxed\{.*\}.*", re.DOTALL)
TAG_SPACING = re.compile(r"\s*(<|>|/)\s*")
BOXED = "\\boxed{"


def normalize(response):
    return TAG_SPACING.sub(r"\1", response)


def format_reward(response):
    return 1.0 if FORMAT_PATTERN.fullmatch(response) else 0.0


def extract_boxed_content(text):
    start = text.rfind(BOXED)
    if start == -1:
        return "None"
    content = text[start + len(BOXED):]
    depth = 0
    for i, char in enumerate(content):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if depth == -1:
            return content[:i].strip()
    return "None"


def img_score(response, ground_truth, format_weight=0.1):
    normalized = normalize(response)
    fmt = format_reward(normalized)
    prediction = extract_boxed_content(normalized)
    acc = 1.0 if prediction == ground_truth else 0.0
    return {
        "normalized": normalized,
        "prediction": prediction,
        "overall": (1 - format_weight) * acc + format_weight * fmt,
        "format": fmt,
        "accuracy": acc,
    }


PY_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
NOT_SPACES = ["\ufeff", "\u180e", "\u200b", "\u2060", "\x00"]


def hand_cases():
    ok = "<think>the patches line up</think>The answer is \\boxed{0-2-3-1}"
    cases = [
        ("well-formed sequence", ok, "0-2-3-1"),
        ("well-formed wrong answer", ok, "0-2-1-3"),
        ("well-formed letter", "<think>B fits the gap</think>\\boxed{B}", "B"),
        ("well-formed letter lowercase gt", "<think>x</think>\\boxed{B}", "b"),
        ("well-formed flip answer", "<think>patch 3 is upside down</think> \\boxed{3-0}", "3-0"),
        ("well-formed multiline", "<think>\nline one\nline two\n</think>\n\nSo \\boxed{A}.\n", "A"),
        ("empty think", "<think></think>\\boxed{A}", "A"),
        ("minimal format", "<think></think>\\boxed{}", ""),
        ("text after boxed", "<think>a</think>\\boxed{C} because of depth.", "C"),
        ("no think", "The answer is \\boxed{A}", "A"),
        ("no think no boxed", "A", "A"),
        ("plain answer equals None", "no box at all", "None"),
        ("no boxed with think", "<think>hmm</think>A", "A"),
        ("no closing think", "<think>reasoning \\boxed{A}", "A"),
        ("no opening think", "reasoning</think>\\boxed{A}", "A"),
        ("think after boxed", "\\boxed{A}<think>late</think>", "A"),
        ("think closed after boxed", "<think>\\boxed{A}</think>", "A"),
        ("boxed inside think only", "<think>maybe \\boxed{A}</think>final", "A"),
        ("boxed inside think and after", "<think>maybe \\boxed{A}</think>\\boxed{B}", "B"),
        ("text before think", "Sure. <think>x</think>\\boxed{A}", "A"),
        ("think not at start after letters", "x<think>y</think>\\boxed{A}", "A"),
        ("two thinks", "<think>a</think><think>b</think>\\boxed{A}", "A"),
        ("closing think before opening", "</think><think>a</think>\\boxed{A}", "A"),
        ("unclosed boxed", "<think>a</think>\\boxed{A", "A"),
        ("unclosed last boxed earlier closed", "<think>a</think>\\boxed{A} then \\boxed{B", "A"),
        ("unclosed last boxed gt None", "<think>a</think>\\boxed{A} then \\boxed{B", "None"),
        ("unclosed nested boxed", "<think>a</think>\\boxed{\\frac{1}{2}", "None"),
        ("nested braces", "<think>a</think>\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
        ("deep nesting", "<think>a</think>\\boxed{{{{x}}}}", "{{{x}}}"),
        ("extra closing braces", "<think>a</think>\\boxed{x}}}", "x"),
        ("multiple boxed last wins", "<think>a</think>\\boxed{A} or \\boxed{B}", "B"),
        ("multiple boxed first is gt", "<think>a</think>\\boxed{A} or \\boxed{B}", "A"),
        ("boxed without brace", "<think>a</think>\\boxed A", "A"),
        ("boxed with space before brace", "<think>a</think>\\boxed {A}", "A"),
        ("double backslash boxed", "<think>a</think>\\\\boxed{A}", "A"),
        ("fbox ignored", "<think>a</think>\\fbox{A}", "A"),
        ("boxed close brace only", "<think>a</think>\\boxed{", ""),
        ("boxed empty", "<think>a</think>\\boxed{}", ""),
        ("boxed empty gt None", "<think>a</think>\\boxed{}", "None"),
        ("boxed inner spaces", "<think>a</think>\\boxed{ 3-1-2 }", "3-1-2"),
        ("boxed inner tabs newlines", "<think>a</think>\\boxed{\t\n3-1-2\r\n}", "3-1-2"),
        ("boxed spaces inside sequence", "<think>a</think>\\boxed{3 - 1 - 2}", "3-1-2"),
        ("boxed spaces inside sequence literal", "<think>a</think>\\boxed{3 - 1 - 2}", "3 - 1 - 2"),
        ("boxed slash spacing removed", "<think>a</think>\\boxed{1 / 2}", "1/2"),
        ("boxed angle spacing removed", "<think>a</think>\\boxed{a < b}", "a<b"),
        ("boxed parenthesised letter", "<think>a</think>\\boxed{(B)}", "B"),
        ("boxed letter with text", "<think>a</think>\\boxed{B. Left}", "B"),
        ("boxed letter with text literal", "<think>a</think>\\boxed{B. Left}", "B. Left"),
        ("boxed text direction", "<think>a</think>\\boxed{Left-Front}", "Left-Front"),
        ("gt with surrounding space", "<think>a</think>\\boxed{A}", " A"),
        ("gt with trailing newline", "<think>a</think>\\boxed{A}", "A\n"),
        ("spaced open tag", "< think >a</think>\\boxed{A}", "A"),
        ("spaced close tag slash", "<think>a</ think>\\boxed{A}", "A"),
        ("spaced close tag before slash", "<think>a< /think>\\boxed{A}", "A"),
        ("spaced everywhere", "  <  think  >  a  <  /  think  >  \\boxed{A}  ", "A"),
        ("spaced think word inside", "<th ink>a</think>\\boxed{A}", "A"),
        ("newline inside tag", "<\nthink\n>a<\n/\nthink\n>\\boxed{A}", "A"),
        ("leading newlines", "\n\n<think>a</think>\\boxed{A}", "A"),
        ("leading text space", "ok <think>a</think>\\boxed{A}", "A"),
        ("windows newlines", "<think>\r\nstep\r\n</think>\r\n\\boxed{B}\r\n", "B"),
        ("windows newlines in boxed", "<think>x</think>\\boxed{\r\nB\r\n}", "B"),
        ("empty string", "", ""),
        ("empty string gt None", "", "None"),
        ("only spaces", "   ", ""),
        ("only mixed whitespace", " \t\n\r\x0b\x0c", "None"),
        ("only slash", "/", "/"),
        ("spaces around slash only", " / ", "/"),
        ("html-ish text", "a < b > c / d", "a<b>c/d"),
        ("xml answer tags", "<think>x</think><answer>A</answer>", "A"),
        ("think uppercase", "<THINK>x</THINK>\\boxed{A}", "A"),
        ("boxed uppercase", "<think>x</think>\\BOXED{A}", "A"),
        ("nul bytes", "<think>\x00</think>\\boxed{A\x00}", "A\x00"),
        ("astral answer", "<think>\U0001F600</think>\\boxed{\U0001F600}", "\U0001F600"),
        ("cjk answer", "<think>\u601d\u8003</think>\\boxed{\u5de6}", "\u5de6"),
        ("lone surrogate in think", "<think>\ud800</think>\\boxed{A}", "A"),
        ("lone surrogate answer", "<think>x</think>\\boxed{\udfff}", "\udfff"),
        ("boxed braces in think", "<think>{ } { }</think>\\boxed{A}", "A"),
        ("brace only after boxed in think", "<think>\\boxed{</think>}", "None"),
        ("close think inside boxed", "<think>a\\boxed{</think>}", ""),
        ("boxed opens think", "<think>a</think>\\boxed{<think>}", "<think>"),
        ("sequence answer depth", "<think>region 3 is nearest</think>\\boxed{3-1-2}", "3-1-2"),
        ("sequence answer partially wrong", "<think>x</think>\\boxed{3-2-1}", "3-1-2"),
        ("position answer letter", "<think>x</think>\\boxed{D}", "D"),
        ("boxed in text only", "\\boxed{A}", "A"),
        ("escaped brace in boxed", "<think>x</think>\\boxed{\\{A\\}}", "\\{A\\}"),
    ]
    for code in PY_SPACES:
        name = "python whitespace U+%04X" % ord(code)
        cases.append((name + " around boxed", "<think>x</think>\\boxed{" + code + "A" + code + "}", "A"))
        cases.append((name + " before tag", code + "<think>x" + code + "</think>" + code + "\\boxed{A}", "A"))
    for code in NOT_SPACES:
        name = "non-whitespace U+%04X" % ord(code)
        cases.append((name + " around boxed", "<think>x</think>\\boxed{" + code + "A" + code + "}", "A"))
        cases.append((name + " before tag", code + "<think>x</think>\\boxed{A}", "A"))
    weighted = "<think>x</think>\\boxed{A}"
    for weight in (0.0, 0.25, 0.3, 0.5, 0.7, 1.0):
        cases.append(("format weight %s correct" % weight, weighted, "A", weight))
        cases.append(("format weight %s wrong" % weight, weighted, "B", weight))
        cases.append(("format weight %s unformatted" % weight, "\\boxed{A}", "A", weight))
    return cases


TOKENS = [
    "<think>", "</think>", "\\boxed{", "{", "}", "<", ">", "/", "\\", "boxed",
    " ", "  ", "\t", "\n", "\r\n", "\xa0", "\u2003", "\u3000", "\x1c", "\x85", "\u2028",
    "\ufeff", "\u180e", "< think >", "</ think>", "< /think>",
]
LETTERS = ["A", "B", "a", "1", "2", "3", "-", ".", "x"]
TOKENS += LETTERS


FILLER = TOKENS[5:]


def filler(rng):
    return "".join(rng.choice(FILLER) for _ in range(rng.randint(0, 4)))


def token_soup(rng):
    response = "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 24)))
    if rng.random() < 0.5:
        response = rng.choice(["<think>", "< think >", " <think>", "\u3000<think>", "\ufeff<think>"]) + response
    return response


def near_format(rng):
    parts = [
        rng.choice(["", "", " ", "\n", "\ufeff", "x"]),
        rng.choice(["<think>", "<think>", "< think >", "<think", "think>"]),
        filler(rng),
        rng.choice(["</think>", "</think>", "</ think>", "< /think>", "<think>", "</thin k>"]),
        filler(rng),
        rng.choice(["\\boxed{", "\\boxed{", "\\boxed {", "boxed{", "\\boxed{{"]),
        filler(rng),
        rng.choice(["}", "}", "}}", "", "{"]),
        filler(rng),
    ]
    if rng.random() < 0.3:
        i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
        parts[i], parts[j] = parts[j], parts[i]
    return "".join(parts)


def random_cases(count, seed):
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        response = token_soup(rng) if index % 2 == 0 else near_format(rng)
        roll = rng.random()
        if roll < 0.5:
            ground_truth = extract_boxed_content(normalize(response))
        elif roll < 0.8:
            ground_truth = rng.choice(["A", "B", "1-2-3", "None", "", "x"])
        else:
            ground_truth = "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 4)))
        cases.append(("random %03d" % index, response, ground_truth))
    return cases


def main():
    rows = []
    for case in hand_cases() + random_cases(400, 20251031):
        name, response, ground_truth = case[0], case[1], case[2]
        weight = case[3] if len(case) > 3 else 0.1
        row = {"name": name, "response": response, "ground_truth": ground_truth, "format_weight": weight}
        row.update(img_score(response, ground_truth, weight))
        rows.append(row)
    names = [row["name"] for row in rows]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    header = {
        "source": "scripts/img-score-golden.py",
        "python": platform.python_version(),
        "unicode": unicodedata.unidata_version,
        "count": len(rows),
    }
    # One case per line keeps the file diffable.
    lines = [json.dumps(row, ensure_ascii=True) for row in rows]
    sys.stdout.write(json.dumps(header, ensure_ascii=True)[:-1] + ', "cases": [\n')
    sys.stdout.write(",\n".join(lines))
    sys.stdout.write("\n]}\n")


if __name__ == "__main__":
    main()
