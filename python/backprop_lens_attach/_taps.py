"""Hooks on the user's model that keep references to this step's tensors (no copies, no syncs):
an exact FORMATS mapping for nn.Sequential of Linear + activations, per-module statistics for
anything else."""
import ctypes
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {
    nn.Tanh: "tanh",
    nn.Sigmoid: "sigmoid",
    nn.ReLU: "relu",
    nn.Identity: "identity",
    nn.Softmax: "softmax",
    nn.LogSoftmax: "softmax",
}


def sequential_layers(model):
    """[(linear, activation module or None, activation name)] when `model` maps exactly onto
    FORMATS' layers, else None."""
    if not isinstance(model, nn.Sequential):
        return None
    layers = []
    modules = list(model.children())
    for k, m in enumerate(modules):
        if isinstance(m, nn.Linear):
            layers.append([m, None, "identity"])
        elif type(m) in ACTIVATIONS and layers and layers[-1][1] is None:
            name = ACTIVATIONS[type(m)]
            if name == "softmax" and k != len(modules) - 1:
                return None  # FORMATS allows softmax on the output layer only
            if getattr(m, "inplace", False):
                return None  # an in-place ReLU overwrites H_i
            layers[-1][1] = m
            layers[-1][2] = name
        else:
            return None
    return [tuple(l) for l in layers] if layers else None


class SequentialTap:
    """A_i, H_i, G_i (from tensor hooks), W_i = weight.T, dW_i = weight.grad.T, ∂L/∂X."""

    def __init__(self, model, layers):
        self.layers = layers
        self.handles = []
        self.X = None
        self.dX = None
        self.H = [None] * len(layers)
        self.A = [None] * len(layers)  # A[i] = A_{i+1}, layer i's output
        self.G = [None] * len(layers)
        self.handles.append(model.register_forward_pre_hook(self._on_input))
        for i, (linear, act, name) in enumerate(layers):
            self.handles.append(linear.register_forward_hook(self._on_linear(i, act is None)))
            if act is not None:
                self.handles.append(act.register_forward_hook(self._on_activation(i, isinstance(act, nn.LogSoftmax))))

    def activation_of(self, name, index):
        """The activation whose output tensor `name`_`index` is (A_{i+1} of layer i), else None."""
        return self.layers[index - 1][2] if name == "A" and 1 <= index <= len(self.layers) else None

    def describe(self):
        first = self.layers[0][0]
        return {
            "kind": "sequential",
            "inputSize": first.in_features,
            "layers": [{"units": l.out_features, "activation": name} for l, _, name in self.layers],
            "loss": None,
        }

    def _on_input(self, module, inputs):
        x = inputs[0] if inputs else None
        self.X, self.dX = x, None
        if isinstance(x, torch.Tensor) and x.requires_grad:
            x.register_hook(self._set_dx)

    def _set_dx(self, grad):
        self.dX = grad

    def _on_linear(self, i, is_output):
        def hook(module, inputs, out):
            self.H[i], self.G[i] = out, None
            if is_output:
                self.A[i] = out
            if out.requires_grad:
                out.register_hook(lambda g: self.G.__setitem__(i, g))
        return hook

    def _on_activation(self, i, log_softmax):
        def hook(module, inputs, out):
            # FORMATS' softmax layer outputs probabilities; LogSoftmax outputs their log.
            self.A[i] = out.detach().exp() if log_softmax else out
        return hook

    def tensors(self, wanted):
        """(name, index, 2-D tensor) for everything in `wanted` that this step produced."""
        out = []
        def add(name, index, t):
            if name in wanted and t is not None:
                t = t.detach()
                out.append((name, index, t.reshape(t.shape[0], -1) if t.dim() != 2 else t))
        add("A", 0, self.X)
        add("dX", 0, self.dX)
        for i, (linear, _, _) in enumerate(self.layers):
            add("H", i, self.H[i])
            add("A", i + 1, self.A[i])
            add("G", i, self.G[i])
            add("W", i, linear.weight.t())
            bias = linear.bias if linear.bias is not None else torch.zeros(linear.out_features)
            add("b", i, bias.reshape(1, -1))
            if linear.weight.grad is not None:
                add("dW", i, linear.weight.grad.t())
            if linear.bias is not None and linear.bias.grad is not None:
                add("db", i, linear.bias.grad.reshape(1, -1))
        return out

    def close(self):
        for h in self.handles:
            h.remove()


def _finite_count(t):
    return int(t.numel() - torch.isfinite(t).sum().item())


class ModuleTap:
    """Per-module statistics for any nn.Module: output norm/range/NaN-Inf/saturation/dead units,
    parameter gradient norm and NaN-Inf count, weight norm."""

    def __init__(self, model):
        self.modules = [(n or type(model).__name__, m) for n, m in model.named_modules()
                        if not list(m.children())]
        self.out = {}
        self.handles = [m.register_forward_hook(self._on_output(n)) for n, m in self.modules]

    def describe(self):
        return {"kind": "modules", "modules": [
            {"name": n[:256], "type": type(m).__name__[:256],
             "parameters": sum(p.numel() for p in m.parameters(recurse=False))}
            for n, m in self.modules]}

    def _on_output(self, name):
        def hook(module, inputs, out):
            if isinstance(out, torch.Tensor):
                self.out[name] = out.detach()
        return hook

    def stats(self):
        from ._wire import wire_number
        rows = []
        for name, m in self.modules:
            y = self.out.get(name)
            row = {"name": name[:256], "type": type(m).__name__[:256], "outNorm": 0.0, "outMin": None,
                   "outMax": None, "outNonFinite": 0, "saturated": None, "dead": None,
                   "gradNorm": None, "gradNonFinite": 0, "weightNorm": None}
            if y is not None and y.numel() > 0:
                y = y.float()
                finite = y[torch.isfinite(y)]
                row["outNonFinite"] = int(y.numel() - finite.numel())
                row["outNorm"] = wire_number(finite.norm().item()) if finite.numel() else 0.0
                if finite.numel():
                    row["outMin"] = wire_number(finite.min().item())
                    row["outMax"] = wire_number(finite.max().item())
                if isinstance(m, nn.Tanh):
                    row["saturated"] = float(((1 - y * y) < 1e-2).float().mean().item())
                elif isinstance(m, nn.Sigmoid):
                    row["saturated"] = float(((y * (1 - y)) < 1e-2).float().mean().item())
                if isinstance(m, (nn.ReLU, nn.ReLU6)) and y.dim() >= 2:
                    row["dead"] = float((y.reshape(y.shape[0], y.shape[1], -1) == 0).all(dim=2).all(dim=0).float().mean().item())
            params = list(m.parameters(recurse=False))
            if params:
                row["weightNorm"] = wire_number(torch.stack([p.detach().float().norm() for p in params]).norm().item())
                grads = [p.grad for p in params if p.grad is not None]
                if grads:
                    row["gradNonFinite"] = sum(_finite_count(g) for g in grads)
                    row["gradNorm"] = wire_number(torch.stack([g.float().norm() for g in grads]).norm().item())
            rows.append(row)
        return rows

    def tensors(self, wanted):
        return []

    def module_tensors(self, name):
        """The full tensors of one module, as 2-D (rows, cols) tensors: its output (first dim kept,
        the rest flattened: samples × features), and each parameter and its gradient (a vector as
        one row, a matrix as is, more dims flattened after the first). Empty for an unknown name."""
        module = dict(self.modules).get(name)
        if module is None:
            return []
        out = []
        y = self.out.get(name)
        if y is not None and y.dim() >= 1 and y.numel() > 0:
            out.append(("output", _as_2d(y)))
        for pname, p in module.named_parameters(recurse=False):
            if p.numel() == 0:
                continue
            out.append((pname[:200], _as_2d(p.detach())))
            if p.grad is not None:
                out.append((f"{pname[:200]}.grad", _as_2d(p.grad.detach())))
        return out

    def activation_of(self, name, index):
        return None

    def close(self):
        for h in self.handles:
            h.remove()


def _as_2d(t):
    if t.dim() == 0:
        return t.reshape(1, 1)
    if t.dim() == 1:
        return t.reshape(1, -1)
    return t.reshape(t.shape[0], -1)


def decimate(t, max_size):
    """At most max_size × max_size: equal blocks of ceil(rows/max_size) × ceil(cols/max_size)
    cells, each shown by its value of largest magnitude (sign kept); min/max reductions propagate
    NaN, so a NaN anywhere in a block wins. One aminmax pass over the tensor."""
    return decimate_blocks(t, max_size)[0]


def decimate_blocks(t, max_size):
    """(decimated, block minima, block maxima); the block extremes are None when `t` is small
    enough to send whole. The extremes of the blocks are the tensor's own, so a summary of the
    full tensor needs no second min/max pass."""
    rows, cols = t.shape
    if max_size <= 0 or (rows <= max_size and cols <= max_size):
        return t, None, None
    if not t.is_contiguous() and t.t().is_contiguous():
        # W_i = weight.T and ∂L/∂W_i = weight.grad.T are transposed views: the same blocks of the
        # stored layout, transposed back, give the same result without copying the whole matrix.
        small, lo, hi = decimate_blocks(t.t(), max_size)
        return small.t(), lo, hi
    br, bc = -(-rows // max_size), -(-cols // max_size)
    R, C = -(-rows // br), -(-cols // bc)
    x = t.float()
    if R * br != rows or C * bc != cols:
        # The last row/column repeated: a copy of a value already in that block changes neither
        # its largest magnitude nor the tensor's extremes.
        x = F.pad(x[None], (0, C * bc - cols, 0, R * br - rows), mode="replicate")[0]
    # A view of the blocks (no copy): one aminmax pass along each block's columns over the whole
    # tensor, then the small per-row results reduced along the block's rows.
    lo, hi = torch.aminmax(x.reshape(R, br, C, bc), dim=3)
    lo, hi = lo.amin(dim=1), hi.amax(dim=1)
    return torch.where(hi >= -lo, hi, lo), lo, hi


def summary(t, activation=None, block_range=None):
    """Of a full tensor sent decimated: Frobenius norm (NaN if any value is), the finite range,
    the non-finite count, and for a layer output the saturated (tanh/sigmoid: derivative < 0.01)
    or dead (relu: 0 for every sample) fraction — what the app's layer statistics need."""
    from ._wire import wire_number
    f = t.detach().float()
    # block_range: decimate_blocks' block minima and maxima, whose extremes are the tensor's.
    lo, hi = (block_range[0].min(), block_range[1].max()) if block_range else torch.aminmax(f)
    norm, lo, hi = torch.stack([f.norm(), lo, hi]).tolist()  # one sync; NaN/Inf show up in all three
    if math.isfinite(norm) and math.isfinite(lo) and math.isfinite(hi):
        out = {"norm": norm, "min": lo, "max": hi, "nonFinite": 0}
    else:
        finite = torch.isfinite(f)
        vals = f[finite]
        out = {"norm": wire_number(norm), "min": None, "max": None, "nonFinite": int(f.numel() - vals.numel())}
        if vals.numel():
            vlo, vhi = torch.aminmax(vals)
            out["min"], out["max"] = wire_number(vlo.item()), wire_number(vhi.item())
    if activation == "tanh":
        out["saturated"] = float(((1 - f * f) < 1e-2).float().mean())
    elif activation == "sigmoid":
        out["saturated"] = float(((f * (1 - f)) < 1e-2).float().mean())
    elif activation == "relu":
        out["dead"] = float((f == 0).all(dim=0).float().mean()) if f.shape[1] else 0.0
    return out


def to_bytes(t):
    """Little-endian float32 bytes of a 2-D tensor (ctypes: no numpy needed)."""
    t = t.detach().to(device="cpu", dtype=torch.float32).contiguous()
    return ctypes.string_at(t.data_ptr(), t.numel() * 4) if t.numel() else b""
