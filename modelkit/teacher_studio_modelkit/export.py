"""Export: trace each graph with make_fx (core ATen decompositions; gradients come from
torch.func.grad_and_value inside tto_step) and write standard ONNX with the dynamo exporter."""
import hashlib
import json
import os

import numpy as np
import torch
from torch._decomp import core_aten_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

from . import graphs
from .data import MAX_INSTRUCTION, MAX_PLAN, MAX_QUERIES, MAX_QUERY
from .bars import BarsReasoner
from .connect import ConnectReasoner
from .objects import ObjectsReasoner
from .reasoner import LORA_A_STD, LORA_RANK, Reasoner

MANIFEST_SCHEMA = 1
OPSET = 18  # ONNX opset of every graph
OPTIMIZE_MAX_NODES = 10_000  # traced graphs larger than this skip onnxscript's optimizer (see export_graph)
LATENT_DESCRIPTIONS = {  # manifest.latent.description per kind of reasoner
    "agent": "per-transition code of the agent's move (stay/up/down/left/right) for frames 1..T-1; frames are "
             "rendered at the cell level from first_frame",
    "objects": "per-transition code of each block colour's move (stay/up/down/left/right; slots blue, orange, "
               "purple) for frames 1..T-1; frames are rendered at the cell level from first_frame",
    "bars": "per-transition code of one choice among canvasCells: 0 nothing, b swap the contents of columns b-1 "
            "and b; frames 1..T-1 are first_frame's columns rearranged by the choices",
    "connect": "per-transition code of one move (stay/up/down/left/right) of the pen drawing at that frame: a pen per "
               "dot colour, each starting on its first dot once the pairs before it are joined, painting every cell it "
               "enters; frames are rendered at the cell level from first_frame",
}


def reasoner_kind(reasoner):
    if isinstance(reasoner, BarsReasoner):
        return "bars"
    if isinstance(reasoner, ConnectReasoner):
        return "connect"
    return "objects" if isinstance(reasoner, ObjectsReasoner) else "agent"


def export_graph(fn, example, path, input_names, output_names):
    """Traces fn and writes it as ONNX without per-node metadata (the exporter's stack traces,
    most of an unrolled graph's bytes). onnxscript's optimizer runs on graphs of up to
    OPTIMIZE_MAX_NODES traced nodes; beyond, it takes longer than 20 minutes (the blocks package's
    rollout: ~50,000 nodes; the connect package's tto_step, two pens over 11 frames and their
    gradients, was still in it after 17 minutes), so onnxruntime's basic optimizations run once here instead
    (preoptimize): otherwise every session creation in the studio pays for them."""
    gm = make_fx(fn, decomposition_table=core_aten_decompositions())(*example)
    gm.eval()  # the traced ops are fixed already; a new GraphModule starts in training mode, which torch.onnx warns of
    large = len(gm.graph.nodes) > OPTIMIZE_MAX_NODES
    print(f"[export] {os.path.basename(path)}: {len(gm.graph.nodes)} traced nodes"
          + (", onnxruntime's basic optimizations" if large else ", onnxscript's optimizer"), flush=True)
    prog = torch.onnx.export(gm, tuple(example), path, input_names=input_names,
                             output_names=output_names, dynamo=True, opset_version=OPSET,
                             optimize=not large, verbose=False, external_data=False)
    del prog
    strip_metadata(path)
    if large:
        preoptimize(path)
    deterministic_scatter_adds(path)
    return path


def preoptimize(path):
    """Rewrites the graph at path with onnxruntime's basic graph optimizations (constant folding,
    redundant-node elimination, semantics-preserving fusions: standard ONNX operators only, so the
    file stays portable across hardware and providers, unlike the extended and layout levels).
    Identical folded constants are then stored once, and opset imports no node uses are dropped.
    On the blocks rollout: ~50,000 nodes to ~16,000; creating a session on tto_step drops from ~10 s
    to ~4 s on 2 CPU cores (its file grows from 5.9 to 10.0 MB; sample's shrinks from 5.1 to 1.9)."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper
    tmp = path + ".opt"
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    so.optimized_model_filepath = tmp
    ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    model, original = onnx.load(tmp), onnx.load(path, load_external_data=False)
    os.remove(tmp)
    first, rename, kept = {}, {}, []
    for init in model.graph.initializer:
        key = (init.data_type, tuple(init.dims), hashlib.sha256(numpy_helper.to_array(init).tobytes()).hexdigest())
        if key in first:
            rename[init.name] = first[key]
        else:
            first[key] = init.name
            kept.append(init)
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)
    used = {node.domain for node in model.graph.node}
    imports = [o for o in model.opset_import if o.domain in used or o.domain == ""]
    del model.opset_import[:]
    model.opset_import.extend(imports)
    model.ir_version = original.ir_version
    model.producer_name, model.producer_version = original.producer_name, original.producer_version
    onnx.checker.check_model(model)
    onnx.save(model, path)


def scatter_adds(model):
    """The ScatterND nodes with reduction = "add" of an onnx.ModelProto's main graph."""
    return [n for n in model.graph.node if n.op_type == "ScatterND"
            and any(a.name == "reduction" and a.s == b"add" for a in n.attribute)]


def deterministic_scatter_adds(path):
    """Rewrites every ScatterND with reduction = "add" (what the backward of a gather with repeated
    indices exports to: layers.gather_neighbours, whose pad row every border cell picks) as
    gathers and sums (segment_sum_nodes). onnxruntime's CPU ScatterND splits the updates across
    threads and adds repeated indices without synchronisation (microsoft/onnxruntime#23396, #18048):
    on the blocks tto_step, one call in five returned LoRA gradients off by up to 10x the parity
    tolerance, different on every call. The indices must be [n, 1] (one axis) and computed from
    constants only (they are evaluated here); anything else is refused rather than exported racy.
    Returns the number of nodes rewritten."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper
    model = onnx.load(path)
    racy = scatter_adds(model)
    if not racy:
        return 0
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {v.name: [d.dim_value if d.HasField("dim_value") else None for d in v.type.tensor_type.shape.dim]
              for v in list(inferred.graph.value_info) + list(inferred.graph.input)}
    shapes.update({i.name: list(i.dims) for i in model.graph.initializer})
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    computed = sorted({n.input[1] for n in racy} - set(values))
    if computed:  # indices the exporter left as ops on constants (onnxscript's optimizer keeps them)
        sub = onnx.utils.Extractor(inferred).extract_model([], computed)
        if len(sub.graph.input):
            raise ValueError(f"{path}: ScatterND add indices depend on the graph's inputs "
                             f"{[i.name for i in sub.graph.input]}: cannot be made deterministic")
        values.update(zip(computed, ort.InferenceSession(sub.SerializeToString(),
                                                         providers=["CPUExecutionProvider"]).run(computed, {})))
    racy_ids, added, nodes = {id(n) for n in racy}, [], []
    for node in model.graph.node:
        if id(node) not in racy_ids:
            nodes.append(node)
            continue
        data, indices, updates = node.input
        shape, idx = shapes.get(data), values[indices]
        if idx.ndim != 2 or idx.shape[1] != 1 or not shape or None in shape:
            raise ValueError(f"{path}: {node.name} is a ScatterND add that cannot be made deterministic "
                             f"(indices {idx.shape}, not [n, 1], or the data's shape {shape} unknown)")
        more, inits = segment_sum_nodes(f"{node.name}.segments", data, updates, idx[:, 0] % shape[0], shape,
                                        node.output[0])
        nodes += more
        added += inits
    # drop what only the old indices fed: nodes no output needs, then initializers no node reads
    needed, live = {o.name for o in model.graph.output}, []
    for node in reversed(nodes):
        if any(o in needed for o in node.output):
            live.append(node)
            needed.update(node.input)
    del model.graph.node[:]
    model.graph.node.extend(reversed(live))
    kept = [i for i in model.graph.initializer if i.name in needed] + added
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return len(racy)


def segment_sum_nodes(prefix, data, updates, idx, shape, output, max_heavy=4):
    """ONNX nodes (and their constants) for output = data + the rows of `updates` summed per index
    in idx (constant, values in [0, rows)), without a scatter: row r of a constant table lists the
    updates rows r receives, padded with a zero row; a Gather of the table and a ReduceSum over its
    columns add them, each output element on one thread. The table is as wide as the (max_heavy +
    1)-th largest count, so one row most entries hit (the neighbour gather's pad row: 40 of 500)
    does not widen it: the entries beyond are summed apart and padded into place. On the blocks
    tto_step this costs 1-6 ms a step over the racy ScatterND (bench/graph_ab.py; a one-hot MatMul
    cost 5-7 on a quiet machine, where this cost 1)."""
    from onnx import helper, numpy_helper
    rows, n, rest = shape[0], len(idx), list(shape[1:])
    counts = np.bincount(idx, minlength=rows)
    width = max(1, int(np.sort(counts)[::-1][min(max_heavy, rows - 1)]))
    table, heavy = np.full((rows, width), n, np.int64), {}  # n: the appended zero row
    for r in range(rows):
        hits = np.nonzero(idx == r)[0]
        table[r, :min(len(hits), width)] = hits[:width]
        if len(hits) > width:
            heavy[r] = hits[width:]
    p = prefix
    inits = [numpy_helper.from_array(np.zeros([1] + rest, np.float32), f"{p}.zero_row"),
             numpy_helper.from_array(table, f"{p}.table"),
             numpy_helper.from_array(np.array([0], np.int64), f"{p}.axis0"),
             numpy_helper.from_array(np.array([1], np.int64), f"{p}.axis1")]
    nodes = [helper.make_node("Concat", [updates, f"{p}.zero_row"], [f"{p}.padded"], axis=0, name=f"{p}.pad_rows"),
             helper.make_node("Gather", [f"{p}.padded", f"{p}.table"], [f"{p}.picked"], axis=0, name=f"{p}.pick"),
             helper.make_node("ReduceSum", [f"{p}.picked", f"{p}.axis1"], [f"{p}.sums"], keepdims=0, name=f"{p}.sum")]
    total = f"{p}.sums"
    for k, (r, hits) in enumerate(heavy.items()):
        q = f"{p}.heavy{k}"
        pads = [r] + [0] * len(rest) + [rows - r - 1] + [0] * len(rest)
        inits += [numpy_helper.from_array(hits.astype(np.int64), f"{q}.hits"),
                  numpy_helper.from_array(np.array(pads, np.int64), f"{q}.pads")]
        nodes += [helper.make_node("Gather", [updates, f"{q}.hits"], [f"{q}.picked"], axis=0, name=f"{q}.pick"),
                  helper.make_node("ReduceSum", [f"{q}.picked", f"{p}.axis0"], [f"{q}.sum"], keepdims=1, name=f"{q}.sum"),
                  helper.make_node("Pad", [f"{q}.sum", f"{q}.pads"], [f"{q}.row"], name=f"{q}.place"),
                  helper.make_node("Add", [total, f"{q}.row"], [f"{q}.total"], name=f"{q}.add")]
        total = f"{q}.total"
    nodes.append(helper.make_node("Add", [data, total], [output], name=f"{p}.add"))
    return nodes, inits


def strip_metadata(path):
    import onnx
    model = onnx.load(path)
    for node in model.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    del model.graph.value_info[:]
    onnx.save(model, path)


def example_inputs(reasoner, seed=0):
    """Inputs of every graph for one task (shapes the engine passes)."""
    g = torch.Generator().manual_seed(seed)
    C, T = reasoner.C, reasoner.T
    cells0 = torch.randint(0, reasoner.A, (C * C,), generator=g)
    first = reasoner.render(cells0)
    V = reasoner.words.num_embeddings
    ex = {
        "z1": reasoner.noise(seed)[0],
        "first_frame": first,
        "instruction": torch.randint(4, V, (MAX_INSTRUCTION,), generator=g),
        "queries": torch.randint(4, V, (MAX_QUERIES, MAX_QUERY), generator=g),
        "query_weights": torch.tensor([0.5, 0.25, 0.25, 0.0]),
        "frames": reasoner.render(torch.randint(0, reasoner.A, (T, C * C), generator=g)),
        "cells": torch.randint(0, reasoner.A, (T, C, C), generator=g),
        "prefix": torch.cat([torch.tensor([2]), torch.randint(4, V, (MAX_PLAN - 1,), generator=g)]),
        "position": torch.tensor(5),
    }
    ex["queries"][:, 0] = 2
    return ex


def graph_specs(reasoner):
    """name -> (input names, output names). The order is the graph's argument order."""
    lora = [n for n, _ in reasoner.lora_specs()]
    grads = [f"grad.{n}" for n in lora]
    return {
        "tto_step": (lora + ["z1", "first_frame", "instruction", "queries", "query_weights"],
                     ["loss", "p_yes", "preview"] + grads),
        "sample": (lora + ["z1", "first_frame", "instruction"], ["cells"]),
        "decode": (["cells"], ["frames"]),
        "vqa": (["frames", "queries"], ["p_yes"]),
        "plan": (["instruction", "prefix", "position"], ["logits"]),
    }


def graph_functions(reasoner, answerer, writer):
    return {"tto_step": graphs.make_tto_step(reasoner, answerer), "sample": graphs.make_sample(reasoner),
            "decode": graphs.make_decode(reasoner), "vqa": graphs.make_vqa(answerer),
            "plan": graphs.make_plan(writer)}


def graph_args(name, reasoner, ex, lora):
    return {"tto_step": list(lora) + [ex["z1"], ex["first_frame"], ex["instruction"], ex["queries"],
                                      ex["query_weights"]],
            "sample": list(lora) + [ex["z1"], ex["first_frame"], ex["instruction"]],
            "decode": [ex["cells"]], "vqa": [ex["frames"], ex["queries"]],
            "plan": [ex["instruction"], ex["prefix"], ex["position"]]}[name]


def export_all(reasoner, answerer, writer, out_dir, names=None, processes=1):
    """Writes each graph of names (default all) as OUT_DIR/NAME.onnx. processes > 1: that many spawned processes
    export the graphs at once, in graph_specs' order (the two large graphs first), each with one torch thread:
    tracing and converting are mostly single-threaded Python, so on this 2-core CPU connect's five graphs take
    about 1.9 minutes instead of 3.2 (bench/export_speed.py; tto_step and sample took 1.5 minutes each one after
    the other). The files are the same."""
    os.makedirs(out_dir, exist_ok=True)
    for m in (reasoner, answerer, writer):
        m.eval()
    names = list(names or graph_specs(reasoner))
    if processes > 1 and len(names) > 1:
        _export_in_processes((reasoner, answerer, writer), out_dir, names, processes)
        return
    ex = example_inputs(reasoner)
    lora = reasoner.lora_init()
    fns, specs = graph_functions(reasoner, answerer, writer), graph_specs(reasoner)
    for name in names:
        ins, outs = specs[name]
        export_graph(fns[name], graph_args(name, reasoner, ex, lora), os.path.join(out_dir, f"{name}.onnx"),
                     ins, outs)


def _export_in_processes(models, out_dir, names, processes):
    """export_all's graphs, `processes` at a time in spawned processes, which load the models (reasoner, answerer,
    writer) from a temporary pickle; an exporter's error is raised here."""
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "models.pt")
        torch.save(models, path)
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
            for done in [pool.submit(_export_one, path, out_dir, name) for name in names]:
                done.result()


def _export_one(models_path, out_dir, name):
    torch.set_num_threads(1)
    reasoner, answerer, writer = torch.load(models_path, weights_only=False)
    export_all(reasoner, answerer, writer, out_dir, names=[name])


def _onnx_io(path):
    import onnxruntime as ort
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    io = lambda xs: [{"name": x.name, "shape": x.shape, "dtype": {"float": "float32"}.get(t := x.type.replace("tensor(", "").rstrip(")"), t)}
                     for x in xs]
    return io(s.get_inputs()), io(s.get_outputs())


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(out_dir, reasoner, vocab, appearances, rules, families, defaults, name="gridworld"):
    files = {}
    graphs_json = {}
    for g in graph_specs(reasoner):
        path = os.path.join(out_dir, f"{g}.onnx")
        ins, outs = _onnx_io(path)
        graphs_json[g] = {"file": f"{g}.onnx", "inputs": ins, "outputs": outs}
    with open(os.path.join(out_dir, "vocabulary.json"), "w") as f:
        json.dump(vocab.to_json(), f)
    np.save(os.path.join(out_dir, "sprites.npy"), reasoner.sprites.reshape(
        reasoner.A, reasoner.px, reasoner.px, 3).round().clamp(0, 255).to(torch.uint8).numpy())
    for fn in sorted(os.listdir(out_dir)):
        if fn.endswith((".onnx", ".json", ".npy")) and fn != "manifest.json":
            files[fn] = sha256(os.path.join(out_dir, fn))
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "name": name,
        "video": {"frames": reasoner.T, "height": reasoner.C * reasoner.px, "width": reasoner.C * reasoner.px,
                  "fps": 6, "canvasCells": reasoner.C, "cellPx": reasoner.px,
                  "frameFormat": "float32 RGB 0-255 [T, H, W, 3] for inputs/previews; uint8 from decode"},
        "latent": {"name": "z1", "shape": list(reasoner.noise(0).shape[1:]),
                   "distribution": "standard normal, drawn once per task and kept fixed",
                   "description": LATENT_DESCRIPTIONS[reasoner_kind(reasoner)]},
        "lora": {"rank": LORA_RANK, "scale": 1.0,
                 "init": {"A": {"distribution": "normal", "std": LORA_A_STD}, "B": {"distribution": "zeros"}},
                 "tensors": [{"name": n, "shape": list(s)} for n, s in reasoner.lora_specs()],
                 "gradientOutputPrefix": "grad."},
        "defaults": defaults,
        "text": {"vocabulary": "vocabulary.json", "maxInstruction": MAX_INSTRUCTION, "maxQuery": MAX_QUERY,
                 "maxPlan": MAX_PLAN, "maxQueries": MAX_QUERIES,
                 "queryEncoding": "bos + tokens, padded with 0 to maxQuery",
                 "instructionEncoding": "tokens, padded with 0 to maxInstruction (no bos/eos)",
                 "planDecoding": "prefix[0] = bos; greedy argmax of plan(instruction, prefix, position=i) "
                                 "is written to prefix[i + 1]; stop at eos; text = tokens joined by "
                                 "spaces, no space before ?.,!;:)'; format 'goal: q | process: q | ...'",
                 "queryWeights": "goal lambda, each process (1 - lambda) / M, empty slots 0"},
        "appearances": appearances,
        "sprites": "sprites.npy",
        "rules": rules,
        "families": families,
        "graphs": graphs_json,
        "files": files,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def reasoner_config(reasoner):
    """What load_checkpoint needs to build the reasoner again (its kind and constructor arguments)."""
    base = {"A": reasoner.A, "V": reasoner.words.num_embeddings, "floor": reasoner.floor_id, "C": reasoner.C,
            "T": reasoner.T, "px": reasoner.px}
    if isinstance(reasoner, BarsReasoner):
        return base | {"kind": "bars", "bars": reasoner.bar_ids.tolist(), "iterations": reasoner.iterations}
    if isinstance(reasoner, ConnectReasoner):
        return base | {"kind": "connect", "dots": reasoner.dot_ids.tolist(), "paths": reasoner.path_ids.tolist(),
                       "wall": reasoner.wall_id, "iterations": reasoner.iterations}
    if isinstance(reasoner, ObjectsReasoner):
        return base | {"kind": "objects", "objects": reasoner.object_ids.tolist(), "placed": reasoner.placed_ids.tolist(),
                       "targets": reasoner.target_ids.tolist()}
    return base | {"agent": reasoner.agent_id, "coin": reasoner.coin_id}


def reasoner_from_config(c):
    if c.get("kind") == "bars":
        return BarsReasoner(c["A"], c["V"], c["bars"], c["floor"], c["C"], c["T"], c["px"], iterations=c["iterations"])
    if c.get("kind") == "connect":
        return ConnectReasoner(c["A"], c["V"], c["dots"], c["paths"], c["wall"], c["floor"], c["C"], c["T"], c["px"],
                               iterations=c["iterations"])
    if c.get("kind") == "objects":
        return ObjectsReasoner(c["A"], c["V"], c["objects"], c["placed"], c["targets"], c["floor"], c["C"], c["T"], c["px"])
    return Reasoner(c["A"], c["V"], c["agent"], c["floor"], c["C"], c["T"], c["px"], coin_id=c.get("coin", -1))


def save_checkpoint(path, reasoner, answerer, writer, vocab, meta):
    answerer_config = {"answerer_census": answerer.census, "answerer_change": answerer.change,
                       "answerer_history": answerer.history, "answerer_strokes": answerer.strokes}
    torch.save({"config": reasoner_config(reasoner) | answerer_config, "reasoner": reasoner.state_dict(),
                "answerer": answerer.state_dict(), "writer": writer.state_dict(), "vocab": vocab.words, "meta": meta},
               path)


def load_checkpoint(path):
    from .data import Vocabulary
    from .teacher import Answerer
    from .writer import QueryWriter
    ck = torch.load(path, weights_only=False)
    c = ck["config"]
    r = reasoner_from_config(c)
    a = Answerer(c["A"], c["V"], c["C"], c["T"], c["px"], MAX_QUERY, census=c.get("answerer_census", False),
                 change=c.get("answerer_change", False), history=c.get("answerer_history", False),
                 strokes=c.get("answerer_strokes", False))
    w = QueryWriter(c["V"], MAX_INSTRUCTION, MAX_PLAN)
    r.load_state_dict(ck["reasoner"]), a.load_state_dict(ck["answerer"]), w.load_state_dict(ck["writer"])
    for m in (r, a, w):
        m.eval()
    return r, a, w, Vocabulary(ck["vocab"]), ck["meta"]
