"""Where teacher hacking happens in-domain (lr 0.02, 96 tasks): stop step and failed rules of the
runs the teacher accepted but the evaluator failed.  python -m teacher_studio_modelkit.hacking_check"""
import torch, os, numpy as np
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
res = [optimize(r, a, ev.noise_for(r, b.idx, 0), b.cells0, b.instr, b.queries, b.weights, lr=0.02)
       for b in (tb.sub(slice(s, s + 32)) for s in range(0, len(tb), 32))]
fin = torch.cat([x["final_cells"] for x in res]); conf = torch.cat([x["confident"] for x in res]).numpy()
st = torch.cat([x["stop_step"] for x in res]).numpy()
s = np.array([success(l) for l in ev.judge_all(judges, tb.families, fin)])
lab = ev.judge_all(judges, tb.families, fin)
hack = conf & (s == 0)
print("lr 0.02 success", s.mean(), "hacking", hack.mean(), "hacked runs stopping at step 0:", (hack & (st == 0)).sum(), "at 1:", (hack & (st == 1)).sum(), "later:", (hack & (st > 1)).sum())
print("failed rules among hacked:", {k: int(sum(1 for l, h in zip(lab, hack) if h and l[k] == 0)) for k in lab[0]})
