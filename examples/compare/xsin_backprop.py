"""The first tutorial's network, backprop written by hand in numpy, with the tutorial's original bug.

Network: y = x sin(4 pi x), 1 -> 10 x [10 tanh] -> 1 identity, loss L = 1/2 sum (F - Y)^2
(examples/xsin4pix/weights.json, trained by `npm run example:xsin4pix`), on its five-point batch.

The bug, as the tutorial's first code had it: dL/dW_i used the previous layer's PRE-activation
H_{i-1} where the equation needs its activation A_i = tanh(H_{i-1}), for every layer i >= 1.
(Layer 0's input is X, which has no pre-activation, so layer 0 came out right, which made the bug
hard to see.) Run it, then ask Backprop Lens where it is:

    /usr/bin/python3 examples/compare/xsin_backprop.py
    npx backprop-lens compare --weights examples/xsin4pix/weights.json \
        --data examples/xsin4pix/batch.json --mine examples/compare/xsin4pix-mine.npz
"""
import json
import os

import numpy as np

from save_rows import save_backprop_arrays

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "xsin4pix")

with open(os.path.join(EXAMPLE, "weights.json")) as f:
    net = json.load(f)
with open(os.path.join(EXAMPLE, "batch.json")) as f:
    batch = json.load(f)
W = [np.array(p["W"], dtype=np.float64) for p in net["parameters"]]  # fan-in x fan-out
b = [np.array(p["b"], dtype=np.float64) for p in net["parameters"]]
X = np.array(batch["X"])
Y = np.array(batch["Y"])
L = len(W)

# Forward: H_i = A_i W_i + b_i, A_{i+1} = tanh(H_i), identity output.
A, H = [X], []
for i in range(L):
    H.append(A[i] @ W[i] + b[i])
    A.append(H[i] if i == L - 1 else np.tanh(H[i]))
F = A[L]
loss = 0.5 * np.sum((F - Y) ** 2)

# Backward: G_i = dL/dH_i.
G, dW, db = [None] * L, [None] * L, [None] * L
G[L - 1] = F - Y
for i in range(L - 1, -1, -1):
    if i >= 1:
        dW[i] = H[i - 1].T @ G[i]  # BUG: should be A[i].T @ G[i]
    else:
        dW[i] = A[i].T @ G[i]
    db[i] = G[i].sum(axis=0)
    if i >= 1:
        G[i - 1] = (1 - A[i] ** 2) * (G[i] @ W[i].T)
dX = G[0] @ W[0].T

save_backprop_arrays(os.path.join(HERE, "xsin4pix-mine.npz"), A, H, G, dW, db, dX=dX, loss=loss)
print(f"loss = {loss:.6g}; wrote examples/compare/xsin4pix-mine.npz")
