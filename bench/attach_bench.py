"""The attach benchmark's training loop (bench/attach.ts runs it): the M network 784-256-128-10
(ReLU, cross-entropy), batch 128, SGD, PyTorch CPU. Each round is one adjacent pair of a plain and
an attached run, in alternating order (plain first in even rounds, attached first in odd ones) so
a load that rises or falls during a round biases neither arm; prints one JSON line per round."""
import json
import sys
import time

import torch
import torch.nn as nn

from backprop_lens_attach import attach

steps, rounds, address = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else torch.get_num_threads())
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
X = torch.randn(128, 784)
Y = torch.randint(0, 10, (128,))


def run(lens):
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        if lens is not None:
            lens.step(loss)
        opt.step()
    return steps / (time.perf_counter() - t0), (time.process_time() - c0) / steps


# One connection for the whole benchmark: plain runs just do not call lens.step (an idle lens costs
# nothing), and no round waits for the app to see the previous connection close.
lens = attach(model, address=address)


def attached_run():
    return run(lens), lens.attached


run(None)  # warm-up
for r in range(rounds):
    if r % 2 == 0:
        plain, plain_cpu = run(None)
        (attached, attached_cpu), is_attached = attached_run()
    else:
        (attached, attached_cpu), is_attached = attached_run()
        plain, plain_cpu = run(None)
    print(json.dumps({"round": r, "plainFirst": r % 2 == 0, "plain": plain, "attached": attached,
                      "plainCpu": plain_cpu, "attachedCpu": attached_cpu, "isAttached": is_attached}), flush=True)
lens.close()
