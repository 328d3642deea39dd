"""The package's graphs as plain functions of tensors (what gets traced and exported).
Batch size 1 at the graph boundary: one task per call, as the engine runs them."""
import torch
import torch.nn.functional as F


def query_loss(yes_logits, weights):
    """L = sum_q w_q * -log P(Yes | q); goal weight lambda, process (1 - lambda) / M, 0 = empty slot."""
    return (weights * F.softplus(-yes_logits)).sum()


def make_tto_step(reasoner, answerer):
    n = len(reasoner.lora_specs())

    def tto_step(*args):
        lora, (z1, first_frame, instruction, queries, weights) = args[:n], args[n:]
        cells0 = reasoner.encode_first_frame(first_frame)[None]

        def loss_fn(lora_t):
            logits = reasoner.one_step_logits(z1[None], cells0, instruction[None], lora_t)
            frames = reasoner.surrogate_frames(logits, cells0)
            yes = answerer(frames, queries[None])[0]
            return query_loss(yes, weights), (torch.sigmoid(yes), frames[0])

        grads, (loss, (p_yes, preview)) = torch.func.grad_and_value(loss_fn, has_aux=True)(lora)
        return (loss, p_yes, preview) + tuple(grads)

    return tto_step


def make_sample(reasoner):
    n = len(reasoner.lora_specs())

    def sample(*args):
        lora, (z1, first_frame, instruction) = args[:n], args[n:]
        cells0 = reasoner.encode_first_frame(first_frame)[None]
        logits = reasoner.sample_logits(z1[None], cells0, instruction[None], lora)
        cells = reasoner.hard_cells(logits, cells0)[0]
        return (cells.reshape(reasoner.T, reasoner.C, reasoner.C),)

    return sample


def make_decode(reasoner):
    def decode(cells):
        frames = reasoner.render(cells.reshape(cells.shape[0], -1))
        return (frames.round().clamp(0, 255).to(torch.uint8),)

    return decode


def make_vqa(answerer):
    def vqa(frames, queries):
        return (torch.sigmoid(answerer(frames[None], queries[None])[0]),)

    return vqa


def make_plan(writer):
    def plan(instruction, prefix, position):
        return (writer.next_token_logits(instruction, prefix, position),)

    return plan
