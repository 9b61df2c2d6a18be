"""Save your own backprop's arrays in Backprop Lens's rows layout, for `backprop-lens compare`."""
import numpy as np


def save_backprop_arrays(path, A, H, G, dW, db, dX=None, loss=None):
    """A = [X, A_1, ..., A_L] (one sample per row); H, G = dL/dH, dW (fan-in x fan-out), db: one per layer, 0-based."""
    arrays = {f"{k}{i}": np.asarray(v) for k, vs in (("H", H), ("G", G), ("dW", dW), ("db", db)) for i, v in enumerate(vs)}
    arrays.update({("X" if i == 0 else "output" if i == len(A) - 1 else f"A{i}"): np.asarray(a) for i, a in enumerate(A)})
    arrays.update({k: np.asarray(v) for k, v in (("dX", dX), ("loss", loss)) if v is not None})
    np.savez(path, **arrays)
