"""Scores scripted responses with the official evaluation code, for item-by-item comparison.

Nothing of the official code is copied here: the functions and methods are read from the
checkouts named on the command line (InternLM/Spatial-SSRL and vision-x-nyu/thinking-in-space)
and executed unchanged. This file only provides the glue the full harnesses would: the small
helpers their modules import (file loading, logging, progress), the run that turns responses
into the prediction file (`.xlsx` through pandas), and the calls.

Usage: python official_scores.py <spatial-ssrl checkout> <thinking-in-space checkout> <job.json> <out.json>
"""

import ast
import copy as cp
import csv
import json
import os
import os.path as osp
import pickle
import re
import string
import sys
import tempfile
import types
from collections import OrderedDict, defaultdict
from functools import partial

import numpy as np
import pandas as pd

SSRL, TIS, JOB, OUT = sys.argv[1:5]
VLMEVAL = osp.join(SSRL, 'evaluation', 'Remaining_Bench_eval', 'vlmeval')


def source_defs(path, names, namespace):
    """Executes the named top-level functions, classes and assignments of a source file in `namespace`."""
    tree = ast.parse(open(path, encoding='utf-8').read())
    picked = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            picked.append(node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets):
            picked.append(node)
    found = {n.name if not isinstance(n, ast.Assign) else n.targets[0].id for n in picked}
    missing = set(names) - found
    if missing:
        raise SystemExit(f'{path}: not found: {sorted(missing)}')
    exec(compile(ast.Module(body=picked, type_ignores=[]), path, 'exec'), namespace)
    return namespace


def method_of(path, cls, method):
    """The source node of `cls.method` in a file."""
    tree = ast.parse(open(path, encoding='utf-8').read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method:
                    return item
    raise SystemExit(f'{path}: {cls}.{method} not found')


def compile_function(node, path, namespace):
    exec(compile(ast.Module(body=[node], type_ignores=[]), path, 'exec'), namespace)
    return namespace[node.name]


class Quiet:
    def __getattr__(self, _):
        return lambda *a, **k: None


# The helpers VLMEvalKit's modules take from `vlmeval.smp` and `vlmeval.utils`.
validators = types.ModuleType('validators')
validators.url = lambda s: False
sys.modules['validators'] = validators
smp = dict(pd=pd, np=np, osp=osp, os=os, json=json, pickle=pickle, csv=csv, re=re, string=string, cp=cp, defaultdict=defaultdict,
           OrderedDict=OrderedDict, partial=partial, get_logger=lambda *a, **k: Quiet(), tqdm=lambda x, **k: x, warnings=Quiet(),
           LMUDataRoot=lambda: tempfile.gettempdir())
source_defs(osp.join(VLMEVAL, 'smp', 'file.py'), ['NumpyEncoder', 'load', 'dump'], smp)
source_defs(osp.join(VLMEVAL, 'smp', 'misc.py'), ['istype', 'listinstr', 'toliststr', 'cn_string', 'timestr'], smp)
source_defs(osp.join(VLMEVAL, 'smp', 'vlm.py'), ['build_option_str'], smp)
import datetime  # noqa: E402  (timestr uses it)
smp['datetime'] = datetime
source_defs(osp.join(VLMEVAL, 'utils', 'matching_util.py'), ['can_infer_option', 'can_infer_text', 'can_infer', 'can_infer_sequence', 'can_infer_lego'], smp)


def track_progress_rich(func, tasks, nproc=1, chunksize=1, save=None, keys=None, **kwargs):
    results = [func(**t) for t in tasks]
    if save is not None:
        done = smp['load'](save) if osp.exists(save) else {}
        done.update(dict(zip(keys, results)))
        smp['dump'](done, save)
    return results


smp['track_progress_rich'] = track_progress_rich
smp['gpt_key_set'] = lambda: False
smp['build_judge'] = None
smp['DEBUG_MESSAGE'] = ''
smp['ls'] = lambda dirname, match=(): sorted(osp.join(dirname, f) for f in os.listdir(dirname) if all(m in f for m in match))

mc = types.ModuleType('vlmeval.dataset.utils.multiple_choice')
mc.__dict__.update(smp)
source_defs(osp.join(VLMEVAL, 'dataset', 'utils', 'multiple_choice.py'),
            ['MMB_abbrs', 'report_acc', 'build_prompt', 'build_prompt_blink', 'build_prompt_cn', 'build_prompt_wemath',
             'build_prompt_LEGO', 'build_choices', 'prefetch_answer', 'extract_answer_from_item', 'prefetch_circular_group', 'eval_vanilla',
             'eval_circular_group', 'mcq_vanilla_eval', 'mcq_circular_eval', 'report_acc_MMT', 'report_acc_MMSci', 'MMT_abbrs'], mc.__dict__)
for name in ['vlmeval', 'vlmeval.dataset', 'vlmeval.dataset.utils']:
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__path__ = []
sys.modules['vlmeval.dataset.utils.multiple_choice'] = mc
dataset_ns = dict(smp, __package__='vlmeval.dataset', __name__='vlmeval.dataset.parity')
source_defs(osp.join(VLMEVAL, 'dataset', 'utils', 'spatial457.py'), ['SUPERCLRVER_sub_shape', 'inverse_shape', 'Spatial457_utils'], dataset_ns)
# The module builds `inverse_shape` with a loop after the assignment; run that loop too.
for key, value in dataset_ns['SUPERCLRVER_sub_shape'].items():
    for v in value:
        dataset_ns['inverse_shape'][v] = key


class Parity:
    pass


mcq_evaluate = compile_function(method_of(osp.join(VLMEVAL, 'dataset', 'image_mcq.py'), 'ImageMCQDataset', 'evaluate'), 'image_mcq.py', dataset_ns)
# `_3DSRBench.evaluate` starts with `super().evaluate(...)`, the method above; outside its class the
# call is made to that function directly, the rest of the method runs as written.
threedsr_src = ast.unparse(method_of(osp.join(VLMEVAL, 'dataset', 'image_mcq.py'), '_3DSRBench', 'evaluate'))
if 'super().evaluate(eval_file, **judge_kwargs)' not in threedsr_src:
    raise SystemExit('_3DSRBench.evaluate no longer starts with super().evaluate(eval_file, **judge_kwargs)')
threedsr_ns = dict(dataset_ns, mcq_evaluate=mcq_evaluate, cp=cp)
exec(threedsr_src.replace('super().evaluate(eval_file, **judge_kwargs)', 'mcq_evaluate(self, eval_file, **judge_kwargs)'), threedsr_ns)
threedsr_evaluate = threedsr_ns['evaluate']
spatial457_evaluate = compile_function(method_of(osp.join(VLMEVAL, 'dataset', 'spatial457.py'), 'Spatial457', 'evaluate'), 'spatial457.py', dataset_ns)
qspatial_ns = dict(smp)
for m in ['get_multiplier', 'parse_prediction', 'evaluate']:
    node = method_of(osp.join(VLMEVAL, 'dataset', 'image_vqa.py'), 'QSpatial', m)
    node.decorator_list = []
    qspatial_ns[m] = compile_function(node, 'image_vqa.py', qspatial_ns)


class QSpatialParity:
    get_multiplier = classmethod(qspatial_ns['get_multiplier'])
    parse_prediction = classmethod(qspatial_ns['parse_prediction'])
    evaluate = classmethod(qspatial_ns['evaluate'])


# The Qwen2-VL wrapper's post-processing, the `if self.post_process:` block of its generate method.
model_py = osp.join(VLMEVAL, 'vlm', 'qwen2_vl', 'model.py')
post_block = next(n for n in ast.walk(method_of(model_py, 'Qwen2VLChat', 'generate_inner_transformers'))
                  if isinstance(n, ast.If) and ast.unparse(n.test) == 'self.post_process')
post_code = compile(ast.Module(body=[post_block], type_ignores=[]), model_py, 'exec')


def post_process(response):
    ns = {'self': types.SimpleNamespace(post_process=True), 'response': response}
    exec(post_code, ns)
    return ns['response']


def dataset_frame(tsv):
    """The dataset as `ImageBaseDataset.__init__` holds it (the image handling aside)."""
    data = smp['load'](tsv)
    if 'image' in data:
        data = data[~pd.isna(data['image'])]
    data['index'] = [str(x) for x in data['index']]
    if 'image' in data:
        data['image'] = [str(x) for x in data['image']]
    if np.all([smp['istype'](x, int) for x in data['index']]):
        data['index'] = [int(x) for x in data['index']]
    return data


def prediction_file(data, responses, post, workdir, name):
    """What `infer_data_job` writes: the dataset with a `prediction` column, the image dropped, as .xlsx."""
    data = data.copy()
    data['prediction'] = [str(post_process(responses[str(x)]) if post else responses[str(x)]) for x in data['index']]
    if 'image' in data:
        data.pop('image')
    path = osp.join(workdir, f'parity_{name}.xlsx')
    smp['dump'](data, path)
    return path


def run_mcq(task, workdir):
    data = dataset_frame(task['tsv'])
    ds = Parity()
    ds.dataset_name = task['name']
    ds.data = data
    eval_file = prediction_file(data, task['responses'], task['post'], workdir, task['name'])
    if task['name'] == '3DSRBench':
        res = threedsr_evaluate(ds, eval_file, model='exact_matching', nproc=1)
        settings = {row['setting']: float(row['Overall']) for _, row in res.iterrows()}
    else:
        res = mcq_evaluate(ds, eval_file, model='exact_matching', nproc=1)
        settings = {'headline': float(res['Overall'][0])}
    result = smp['load'](eval_file.replace('.xlsx', '_exact_matching_result.xlsx'))
    hits = {str(i): int(h) for i, h in zip(result['index'], result['hit'])}
    return {'hits': hits, 'settings': settings}


def run_spatial457(task, workdir):
    data = dataset_frame(task['tsv'])
    eval_file = prediction_file(data, task['responses'], task['post'], workdir, 'Spatial457')
    ds = Parity()
    ds.dataset_utils = dataset_ns['Spatial457_utils']()
    ds.ROBUST = True
    res = spatial457_evaluate(ds, eval_file)
    return {'hits': {str(a['index']): int(a['correct']) for a in res['answers']}, 'predicted': {str(a['index']): str(a['predict']) for a in res['answers']},
            'settings': {'headline': res['score']}}


def run_qspatial(task, workdir):
    data = pd.DataFrame({'index': list(range(len(task['responses']))), 'answer': [str((v, u)) for v, u in task['gold']],
                         'question_type': task['types'], 'prediction': [str(r) for r in task['responses']]})
    eval_file = osp.join(workdir, 'parity_qspatial.xlsx')
    smp['dump'](data, eval_file)
    back = smp['load'](eval_file)
    per_item = []
    for pred in back['prediction']:
        try:
            v = QSpatialParity.parse_prediction(pred)
        except IndexError:
            v = 1e-8
        except TypeError:
            v = None
        per_item.append(v)
    crashed = any(v is None for v in per_item)
    # JSON has no NaN: a scalar without a number (NaN centimetres) is written as null too.
    result = {'cm': [None if v is None or np.isnan(v) else float(v) for v in per_item], 'crashed': crashed}
    if not crashed:
        result['settings'] = {k: float(v) for k, v in QSpatialParity.evaluate(eval_file).items() if not isinstance(v, dict)}
    return result


def run_vsi(task, workdir):
    path = osp.join(SSRL, 'evaluation', 'VSI-bench_eval', 'check_accuracy.py')
    ns = {'re': re, 'json': json}
    source_defs(path, ['extract', 'critic_multichoice', 'mra'], ns)
    loop = next(n for n in ast.parse(open(path, encoding='utf-8').read()).body if isinstance(n, ast.For))
    code = compile(ast.Module(body=[loop], type_ignores=[]), path, 'exec')
    scores = []
    for rec in task['records']:
        # The inference script stores the decoded output stripped.
        rec = dict(rec, pred=rec['pred'].strip())
        state = dict(ns, records=[rec], cot=task['cot'], score=0, cnt_all=0, all={}, cnt_item={})
        exec(code, state)
        scores.append(state['score_item'])
    return {'scores': scores}


def run_tis(task, workdir):
    path = osp.join(TIS, 'lmms_eval', 'tasks', 'vsibench', 'utils.py')
    ns = {'np': np, 'pd': pd, 'OrderedDict': OrderedDict, 'partial': partial, 'eval_logger': Quiet()}
    source_defs(path, ['MCA_QUESTION_TYPES', 'NA_QUESTION_TYPES', 'METRICS_FOR_MCA', 'METRICS_FOR_NA', 'WORST_CASE_FOR_METRICS', 'fuzzy_matching',
                       'exact_match', 'abs_dist_norm', 'mean_relative_accuracy', 'to_float', 'vsibench_process_results', 'vsibench_aggregate_results'], ns)
    docs = [ns['vsibench_process_results'](dict(doc), [pred])['vsibench_score'] for doc, pred in zip(task['docs'], task['predictions'])]
    per_item = [float(d.get('accuracy', d.get('MRA:.5:.95:.05'))) for d in docs]
    try:
        agg = ns['vsibench_aggregate_results'](docs)
        overall = float(agg['overall'])
    except KeyError:
        overall = None
    return {'scores': per_item, 'overall': overall}


RUNNERS = {'mcq': run_mcq, 'spatial457': run_spatial457, 'qspatial': run_qspatial, 'vsi': run_vsi, 'tis': run_tis}

job = json.load(open(JOB, encoding='utf-8'))
out = []
with tempfile.TemporaryDirectory() as workdir:
    for task in job['tasks']:
        out.append(RUNNERS[task['kind']](task, workdir))
json.dump(out, open(OUT, 'w', encoding='utf-8'), ensure_ascii=False)
