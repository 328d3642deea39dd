"""In-domain learning-rate sweep of the PyTorch TTO loop on the committed checkpoint:
    cd modelkit && python -m teacher_studio_modelkit.lr_sweep > results/lr_sweep.txt"""
import torch, time, os, numpy as np
torch.set_num_threads(2)
from teacher_studio_modelkit import build, evaluate as ev
from teacher_studio_modelkit.data import SuiteData
from teacher_studio_modelkit.export import load_checkpoint
from teacher_studio_modelkit.rules import make_judges, success
from teacher_studio_modelkit.tto import optimize
r, a, w, vocab, _ = load_checkpoint("checkpoints/gridworld.pt")
T = SuiteData(os.path.join(build.DATA, "train_mix"))
judges = make_judges(T.appearances, 10)
idx = [i for i, x in enumerate(T.instances) if x["variant"] == "gt"][-96:]
tb = ev.TaskBatch(T, vocab, idx)
base = np.array([success(l) for l in ev.judge_all(judges, tb.families, ev.sample_cells(r, tb, 0))])
print("base", base.mean())
for lr in (0.005, 0.02, 0.05, 0.1):
    res = [optimize(r, a, ev.noise_for(r, b.idx, 0), b.cells0, b.instr, b.queries, b.weights, lr=lr)
           for b in (tb.sub(slice(s, s + 32)) for s in range(0, len(tb), 32))]
    fin = torch.cat([x["final_cells"] for x in res]); conf = torch.cat([x["confident"] for x in res]).numpy()
    st = torch.cat([x["stop_step"] for x in res]).float().mean()
    s = np.array([success(l) for l in ev.judge_all(judges, tb.families, fin)])
    print(f"lr {lr}: success {s.mean():.3f} steps {st:.1f} confident {conf.mean():.2f} hacking {(conf & (s == 0)).mean():.3f} fixed {((s==1)&(base==0)).sum()} broken {((s==0)&(base==1)).sum()}", flush=True)
