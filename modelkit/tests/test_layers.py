"""The local attention's fast form (project the cells once, gather neighbours by index, per-head
sums as MatMuls) computes what its definition says: each cell attends over the K cells the one-hot
gather rows pick, each plus its direction's embedding, with LoRA on q and v. The reference below
is that definition written out the slow way (one-hot MatMuls broadcast over the batch, projections
after the gather, a batched MatMul per head), as the module computed it before."""
import math

import pytest
import torch

from teacher_studio_modelkit.layers import LocalAttention, gather_neighbours
from teacher_studio_modelkit.reasoner import neighbour_gather


def reference(att, x, lora=None):
    B, N, d = x.shape
    xp = torch.cat([x, att.pad.expand(B, 1, d)], 1)
    nb = torch.stack([att.gather[k] @ xp for k in range(att.gather.shape[0])], 2) + att.direction  # [B, N, K, d]
    q, k, v = att.q(x), att.k(nb), att.v(nb)
    if lora is not None:
        qa, qb, va, vb = (w.transpose(-1, -2) for w in lora)
        if qa.dim() == 3:
            va, vb = va[:, None], vb[:, None]
        q = q + (x @ qa) @ qb
        v = v + (nb @ va) @ vb
    h, K = att.heads, att.gather.shape[0]
    q = q.reshape(B, N, h, 1, d // h)
    k = k.reshape(B, N, K, h, d // h).transpose(2, 3)
    v = v.reshape(B, N, K, h, d // h).transpose(2, 3)
    w = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(d // h), -1)
    return att.o((w @ v).reshape(B, N, d))


@pytest.mark.parametrize("lora", ["none", "shared", "per item"])
def test_local_attention_equals_its_definition(lora):
    torch.manual_seed(0)
    B, C, d, r = 3, 5, 16, 2
    att = LocalAttention(d, 4, neighbour_gather(C)).double()  # float64: the two orders of sums agree to rounding
    with torch.no_grad():
        att.pad.normal_()
        att.direction.normal_()
    x = torch.randn(B, C * C, d, dtype=torch.float64, requires_grad=True)
    shapes = {"shared": [(r, d), (d, r)] * 2, "per item": [(B, r, d), (B, d, r)] * 2}
    lo = None if lora == "none" else [torch.randn(*s, dtype=torch.float64, requires_grad=True) for s in shapes[lora]]
    fast, slow = att(x, lo), reference(att, x, lo)
    torch.testing.assert_close(fast, slow, atol=1e-10, rtol=1e-10)
    inputs = [x] + (lo or []) + list(att.parameters())
    g_fast = torch.autograd.grad(fast.square().sum(), inputs)
    g_slow = torch.autograd.grad(slow.square().sum(), inputs)
    for a, b in zip(g_fast, g_slow):
        torch.testing.assert_close(a, b, atol=1e-9, rtol=1e-9)


def test_gather_neighbours_picks_each_cells_neighbours_in_move_order():
    g = neighbour_gather(4)  # [5, 16, 17]: a 4 x 4 canvas and the pad row 16
    y = torch.randn(2, 17, 3)
    nb = gather_neighbours(g, y, 1)
    assert nb.shape == (2, 16 * 5, 3)
    # cell 5 (row 1, column 1): stay 5, up 1, down 9, left 4, right 6
    torch.testing.assert_close(nb[:, 25:30], y[:, [5, 1, 9, 4, 6]])
    # cell 0's up and left neighbours are off the canvas: the pad row
    torch.testing.assert_close(nb[:, [1, 3]], y[:, [16, 16]])
    torch.testing.assert_close(gather_neighbours(g, y.transpose(0, 1), 0), nb.transpose(0, 1))
