"""Every compare diagnosis planted in a small hand-written numpy MLP, in two layouts.

Usage: /usr/bin/python3 planted_bugs.py WEIGHTS.json BATCH.json OUT_DIR

The network is the one in weights.json next to this file: 3 -> 4 relu -> 4 tanh -> 2 identity,
mse loss, 6 samples (one of them all zeros, and b_0 has zeros, so H_0 has exact zeros for the
relu'(0) case; the middle layer is square, for the transposed and wrong-weights cases).

For each bug it writes OUT_DIR/rows-<bug>.npz (FORMATS' rows layout: one sample per row, W
fan-in x fan-out, 0-based names H0 A1 G0 dW0 db0 dX loss output) and OUT_DIR/columns-<bug>.npz
(the course convention: one sample per column, W out x in, 1-based Z1 A1 dZ1 dW1 db1 dA0 cost).
"correct" is the right implementation; every variant is also written computed in float32
(<layout>-<bug>-f32.npz), where rounding must neither hide nor fake a diagnosis. It also
writes the bad inputs compare must refuse (bad-*.npz, bad-*.npy, bad-*/ folders).
"""
import json
import os
import sys
import zipfile

import numpy as np

BUGS = [
    "correct", "dW-uses-H", "derivative-at-A", "wrong-derivative", "missing-derivative", "relu-at-zero",
    "sign", "scale", "transposed", "wrong-weights", "db-axis", "forward-activation", "unknown",
]


def act(kind, h):
    return {"relu": lambda: np.maximum(h, 0), "tanh": lambda: np.tanh(h), "identity": lambda: h}[kind]()


def rows(Ws, bs, X, Y, acts, bug):
    """FORMATS: H_i = A_i W_i + b_i, G_i = dL/dH_i, dW_i = A_i^T G_i."""
    L = len(Ws)
    A, H = [X], []
    for i in range(L):
        h = A[i] @ Ws[i] + bs[i]
        a = act(acts[i], h)
        if bug == "forward-activation" and i == 1:
            a = np.tanh(a)  # the activation applied twice
        H.append(h)
        A.append(a)
    F = A[L]
    n, p = F.shape
    loss = ((F - Y) ** 2).sum() / (n * p)
    G = [None] * L
    G[L - 1] = 2 * (F - Y) / (n * p)
    if bug == "sign":
        G[L - 1] = 2 * (Y - F) / (n * p)
    if bug == "scale":
        G[L - 1] = (F - Y) / (n * p)  # forgot the 2 of d(x^2)
    dW, db = [None] * L, [None] * L
    dX = None
    for i in reversed(range(L)):
        dW[i] = A[i].T @ G[i]
        if bug == "dW-uses-H" and i == 2:
            dW[i] = H[i - 1].T @ G[i]
        if bug == "transposed" and i == 1:
            dW[i] = G[i].T @ A[i]
        if bug == "unknown" and i == 0:
            dW[i] = dW[i].copy()
            dW[i][1, 2] += 0.37
        db[i] = G[i].sum(axis=0)
        if bug == "db-axis" and i == 0:
            db[i] = G[i].sum(axis=1)
        if i == 0:
            dX = G[0] @ Ws[0].T
            break
        dA = G[i] @ (Ws[i] if (bug == "wrong-weights" and i == 1) else Ws[i].T)
        if acts[i - 1] == "tanh":
            d = 1 - A[i] ** 2
            if bug == "missing-derivative":
                d = np.ones_like(d)
            if bug == "derivative-at-A":
                d = 1 - np.tanh(A[i]) ** 2
            if bug == "wrong-derivative":
                d = A[i] * (1 - A[i])  # sigmoid's derivative
        else:
            d = (H[i - 1] > 0).astype(H[i - 1].dtype)
            if bug == "relu-at-zero":
                d = (H[i - 1] >= 0).astype(H[i - 1].dtype)
        G[i - 1] = d * dA
    out = {"loss": np.asarray(loss), "output": F, "dX": dX}
    for i in range(L):
        if i > 0:
            out[f"A{i}"] = A[i]
        out.update({f"H{i}": H[i], f"G{i}": G[i], f"dW{i}": dW[i], f"db{i}": db[i]})
    return out


def columns(Ws, bs, X, Y, acts, bug):
    """The course convention: Z[l] = W[l] A[l-1] + b[l], W[l] out x in, samples in columns, 1-based."""
    L = len(Ws)
    W = {l: Ws[l - 1].T for l in range(1, L + 1)}
    b = {l: bs[l - 1].reshape(-1, 1) for l in range(1, L + 1)}
    A, Z = {0: X.T}, {}
    for l in range(1, L + 1):
        Z[l] = W[l] @ A[l - 1] + b[l]
        A[l] = act(acts[l - 1], Z[l])
        if bug == "forward-activation" and l == 2:
            A[l] = np.tanh(A[l])
    AL, Yc = A[L], Y.T
    p, m = AL.shape
    cost = ((AL - Yc) ** 2).sum() / (m * p)
    dZ = {L: 2 * (AL - Yc) / (m * p)}
    if bug == "sign":
        dZ[L] = 2 * (Yc - AL) / (m * p)
    if bug == "scale":
        dZ[L] = (AL - Yc) / (m * p)
    dW, db, out = {}, {}, {}
    for l in range(L, 0, -1):
        dW[l] = dZ[l] @ A[l - 1].T
        if bug == "dW-uses-H" and l == 3:
            dW[l] = dZ[l] @ Z[l - 1].T
        if bug == "transposed" and l == 2:
            dW[l] = A[l - 1] @ dZ[l].T
        if bug == "unknown" and l == 1:
            dW[l] = dW[l].copy()
            dW[l][2, 1] += 0.37
        db[l] = dZ[l].sum(axis=1, keepdims=True)
        if bug == "db-axis" and l == 1:
            db[l] = dZ[l].sum(axis=0, keepdims=True)
        dA_prev = (W[l] if (bug == "wrong-weights" and l == 2) else W[l].T) @ dZ[l]
        if l == 1:
            out["dA0"] = dA_prev
            break
        if acts[l - 2] == "tanh":
            d = 1 - A[l - 1] ** 2
            if bug == "missing-derivative":
                d = np.ones_like(d)
            if bug == "derivative-at-A":
                d = 1 - np.tanh(A[l - 1]) ** 2
            if bug == "wrong-derivative":
                d = A[l - 1] * (1 - A[l - 1])
        else:
            d = (Z[l - 1] > 0).astype(Z[l - 1].dtype)
            if bug == "relu-at-zero":
                d = (Z[l - 1] >= 0).astype(Z[l - 1].dtype)
        dZ[l - 1] = d * dA_prev
    out["cost"] = np.asarray(cost)
    for l in range(1, L + 1):
        out.update({f"Z{l}": Z[l], f"A{l}": A[l], f"dZ{l}": dZ[l], f"dW{l}": dW[l], f"db{l}": db[l]})
    return out


def save_safetensors(path, arrays):
    """A minimal safetensors writer (8-byte header length, JSON header, raw little-endian data)."""
    header, blobs, offset = {}, [], 0
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        raw = a.astype("<f4" if a.dtype == np.float32 else "<f8").tobytes()
        header[name] = {"dtype": "F32" if a.dtype == np.float32 else "F64", "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))


def bad_inputs(out_dir, good):
    wrong = dict(good)
    wrong["dW0"] = np.zeros((5, 4))
    np.savez(os.path.join(out_dir, "bad-shape.npz"), **wrong)
    nan = dict(good)
    nan["G1"] = good["G1"].copy()
    nan["G1"][2, 1] = np.nan
    np.savez(os.path.join(out_dir, "bad-nan.npz"), **nan)
    np.savez(os.path.join(out_dir, "bad-unknown-name.npz"), foo=good["dW0"], **good)
    np.savez(os.path.join(out_dir, "bad-empty.npz"))
    with open(os.path.join(out_dir, "bad-not-a-zip.npz"), "wb") as f:
        f.write(b"this is not a zip archive at all\n" * 4)
    np.save(os.path.join(out_dir, "bad-pickled.npy"), np.array([{"W": 1}], dtype=object), allow_pickle=True)
    trunc = os.path.join(out_dir, "bad-truncated")
    os.makedirs(trunc, exist_ok=True)
    for k, v in good.items():
        np.save(os.path.join(trunc, k + ".npy"), v)
    with open(os.path.join(trunc, "dW0.npy"), "rb") as f:
        raw = f.read()
    with open(os.path.join(trunc, "dW0.npy"), "wb") as f:
        f.write(raw[: len(raw) - 20])
    with zipfile.ZipFile(os.path.join(out_dir, "bad-bomb.npz"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("dW0.npy", b"\0" * (80 << 20))  # 80 MiB of zeros in ~80 KiB


def main():
    weights_path, batch_path, out_dir = sys.argv[1:4]
    with open(weights_path) as f:
        w = json.load(f)
    with open(batch_path) as f:
        batch = json.load(f)
    os.makedirs(out_dir, exist_ok=True)
    acts = [layer["activation"] for layer in w["model"]["layers"]]
    for dtype, suffix in ((np.float64, ""), (np.float32, "-f32")):
        Ws = [np.array(p["W"], dtype=dtype) for p in w["parameters"]]
        bs = [np.array(p["b"], dtype=dtype) for p in w["parameters"]]
        X = np.array(batch["X"], dtype=dtype)
        Y = np.array(batch["Y"], dtype=dtype)
        for bug in BUGS:
            r = rows(Ws, bs, X, Y, acts, bug)
            c = columns(Ws, bs, X, Y, acts, bug)
            np.savez(os.path.join(out_dir, f"rows-{bug}{suffix}.npz"), **r)
            np.savez(os.path.join(out_dir, f"columns-{bug}{suffix}.npz"), **c)
            if bug == "correct":
                folder = os.path.join(out_dir, f"rows-npy{suffix}")
                os.makedirs(folder, exist_ok=True)
                for k, v in r.items():
                    np.save(os.path.join(folder, k + ".npy"), v)
                save_safetensors(os.path.join(out_dir, f"columns{suffix}.safetensors"), c)
                if dtype == np.float64:
                    partial = {k: v for k, v in r.items() if k in ("G2", "dW2", "db2", "G1", "dW0")}
                    np.savez(os.path.join(out_dir, "rows-partial.npz"), **partial)
                    bad_inputs(out_dir, r)


if __name__ == "__main__":
    main()
