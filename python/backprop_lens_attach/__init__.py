"""Attach Backprop Lens to your own PyTorch training loop.

    from backprop_lens_attach import attach
    lens = attach(model)      # address and token from BACKPROP_LENS_ATTACH
    for x, y in loader:
        opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward()
        lens.step(loss)       # sends this step; blocks here while the app holds the run paused
        opt.step()
    lens.close()
"""
import os
import sys
from urllib.parse import parse_qs, urlsplit

from ._lens import Lens, NoOpLens, __version__

ENV = "BACKPROP_LENS_ATTACH"
__all__ = ["attach", "parse_address", "process_rank", "Lens", "NoOpLens", "__version__"]


def parse_address(address):
    """'tcp://127.0.0.1:PORT?token=HEX' (as `backprop-lens serve` prints it) → (host, port, token)."""
    parts = urlsplit(address if "://" in address else "tcp://" + address)
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        raise ValueError("expected tcp://HOST:PORT?token=TOKEN, got %r" % address)
    token = parse_qs(parts.query).get("token", [None])[0]
    return parts.hostname, parts.port, token


def process_rank():
    """This process's rank in a distributed run: torch.distributed's when initialised, else the
    RANK environment variable (torchrun, Ray Train, Lightning set it), else 0."""
    try:
        import torch.distributed as dist
        if dist.is_available() and dist.is_initialized():
            return dist.get_rank()
    except Exception:  # noqa: BLE001
        pass
    try:
        return int(os.environ.get("RANK", "0"))
    except ValueError:
        return 0


def attach(model, address=None, token=None, rank=0):
    """Connects `model`'s training to the Backprop Lens app. Returns a lens whose step(loss) you call
    after loss.backward() and before opt.step(). Only the process whose rank equals `rank` (0 by
    default; None: every process) attaches; the others, and every process when no app can be
    reached, get a lens that does nothing — training is never stopped by the debugger."""
    if rank is not None and process_rank() != rank:
        return NoOpLens()
    address = address or os.environ.get(ENV)
    if not address:
        sys.stderr.write("backprop-lens: no address (set %s or pass address=); not attached\n" % ENV)
        return NoOpLens()
    try:
        host, port, from_address = parse_address(address)
        lens = Lens(model, host, port, token or from_address or "")
    except Exception as e:  # noqa: BLE001
        sys.stderr.write("backprop-lens: could not attach to %s (%s); training continues without the app\n"
                         % (address.split("?")[0], e))
        return NoOpLens()
    return lens
