"""The Lens: one connection to the app, paced by the app's "needs", never raising into the loop."""
import math
import os
import select
import socket
import sys
import time

import torch

from . import _wire
from ._taps import ModuleTap, SequentialTap, decimate, decimate_blocks, sequential_layers, summary, to_bytes

__version__ = "0.1.0"
ACK_TIMEOUT_S = 30.0
SEND_TIMEOUT_S = 10.0
LOSS_FLUSH_S = 0.05


class NoOpLens:
    """What attach() returns when there is nothing to attach to (no address, another rank, an app
    that is not there): every call does nothing, so the training loop needs no `if`."""

    attached = False

    def step(self, loss=None):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Lens:
    attached = True

    def __init__(self, model, host, port, token, connect_timeout=5.0):
        layers = sequential_layers(model)
        self._tap = SequentialTap(model, layers) if layers else ModuleTap(model)
        self._sock = None
        try:
            self._connect(host, port, token, connect_timeout)
        except BaseException:
            self._tap.close()  # no hooks left on the user's model when attaching fails
            if self._sock is not None:
                self._sock.close()
            raise

    def _connect(self, host, port, token, connect_timeout):
        self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.settimeout(SEND_TIMEOUT_S)
        self._reader = _wire.FrameReader()
        self._step = 0
        self._paused = False
        self._pause_next = False
        self._awaiting_ack = None
        self._last_full = -math.inf
        self._module_asked = False  # the app named a module since the last full step (sent at once when held)
        self._losses = []  # [step, loss] not sent yet (sent in batches: one syscall per ~50 ms, not per step)
        self._last_flush = time.monotonic()
        self._needs = {"rate": 20, "maxSize": 64, "tensors": [], "hold": False, "watchNonFinite": False, "module": None}
        self._sock.sendall(_wire.MAGIC + _wire.encode_frame({
            "type": "hello",
            "protocol": _wire.PROTOCOL_VERSION,
            "token": token,
            "pid": os.getpid(),
            "host": socket.gethostname()[:256],
            "client": {"python": sys.version.split()[0], "torch": str(torch.__version__)[:64],
                       "package": __version__},
            "model": self._tap.describe(),
        }))
        welcome = self._wait(lambda m: m.get("type") == "welcome", connect_timeout)
        if welcome is None:
            raise OSError("the app did not answer the hello")
        self._needs.update(welcome["needs"])

    # --- the user's API -------------------------------------------------------------------
    def step(self, loss=None):
        """Send this step (as the app's needs say) and hold here while the app pauses the run.
        Call it after loss.backward() and before opt.step(). Never raises for a network problem."""
        if self._sock is None:
            return
        try:
            self._step_unsafe(loss)
        except Exception as e:  # noqa: BLE001 — the user's training must go on, whatever happened here
            self._gone(e)

    def close(self):
        if self._sock is not None:
            try:
                self._flush_losses()
                self._sock.sendall(_wire.encode_frame({"type": "bye"}))
            except OSError:
                pass
            self._shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- internals ------------------------------------------------------------------------
    def _step_unsafe(self, loss):
        self._step += 1
        self._poll(0.0)
        loss_value = float(loss.detach().item()) if isinstance(loss, torch.Tensor) else (
            float(loss) if loss is not None else math.nan)
        now = time.monotonic()
        rate = float(self._needs.get("rate", 0))
        due = rate > 0 and now - self._last_full >= 1.0 / rate and self._awaiting_ack is None
        forced = self._paused or self._pause_next
        if not (due or forced) and self._needs.get("watchNonFinite") and self._non_finite(loss_value):
            forced = True
        if forced and self._pause_next:
            self._paused, self._pause_next = True, False
        if due or forced:
            self._last_full = now
            self._flush_losses()
            self._send_full(loss_value)
            if self._needs.get("hold") or self._paused or forced:
                ack = self._wait(lambda m: m.get("type") == "ack" and m.get("step") == self._step, ACK_TIMEOUT_S)
                if ack is None:
                    sys.stderr.write("backprop-lens: the app did not answer step %d within %d s; going on\n"
                                     % (self._step, ACK_TIMEOUT_S))
        else:
            self._losses.append([self._step, _wire.wire_number(loss_value)])
            # Armed breakpoints (hold) see every loss at once; otherwise a batch per LOSS_FLUSH_S.
            if self._needs.get("hold") or now - self._last_flush >= LOSS_FLUSH_S or len(self._losses) >= 1024:
                self._flush_losses()
        while self._paused and self._sock is not None:
            self._poll(None)
            if self._module_asked and self._paused and self._sock is not None:
                self._send_held_module_tensors()

    def _non_finite(self, loss_value):
        if not math.isfinite(loss_value):
            return True
        for t in getattr(self._tap, "G", []) or []:
            if t is not None and not bool(torch.isfinite(t).all()):
                return True
        return False

    def _send_full(self, loss_value):
        wanted = set(self._needs.get("tensors", []))
        max_size = int(self._needs.get("maxSize", 0))
        refs, chunks, offset = [], [], 0
        with torch.no_grad():
            for name, index, t in self._tap.tensors(wanted):
                small, block_lo, block_hi = decimate_blocks(t, max_size)
                data = to_bytes(small)
                ref = {"name": name, "index": index, "rows": int(small.shape[0]), "cols": int(small.shape[1]),
                       "sourceRows": int(t.shape[0]), "sourceCols": int(t.shape[1]), "offset": offset}
                # Decimated: the app's layer statistics need the full tensor's summary (not of X, ∂L/∂X).
                if small is not t and not (name == "dX" or (name == "A" and index == 0)):
                    ref["summary"] = summary(t, self._tap.activation_of(name, index), (block_lo, block_hi))
                refs.append(ref)
                chunks.append(data)
                offset += len(data)
            header = {"type": "step", "step": self._step, "loss": _wire.wire_number(loss_value), "tensors": refs}
            if isinstance(self._tap, ModuleTap):
                header["modules"] = self._tap.stats()
                # The app asked for one module's tensors (needs.module): output, parameters, gradients.
                module_refs, module_chunks = self._module_tensors(offset)
                if module_refs is not None:
                    header["moduleTensors"] = module_refs
                    chunks.extend(module_chunks)
                self._module_asked = False
        self._awaiting_ack = self._step
        self._send(header, b"".join(chunks))

    def _module_tensors(self, offset):
        """(refs, chunks) of the watched module's tensors from byte `offset`; (None, []) when none is watched."""
        watched = self._needs.get("module")
        if not isinstance(watched, str) or not isinstance(self._tap, ModuleTap):
            return None, []
        max_size = int(self._needs.get("maxSize", 0))
        refs, chunks = [], []
        with torch.no_grad():
            for label, t in self._tap.module_tensors(watched)[:64]:
                small = decimate(t, max_size)
                data = to_bytes(small)
                refs.append({"module": watched[:256], "label": label[:256], "rows": int(small.shape[0]),
                             "cols": int(small.shape[1]), "sourceRows": int(t.shape[0]),
                             "sourceCols": int(t.shape[1]), "offset": offset})
                chunks.append(data)
                offset += len(data)
        return refs, chunks

    def _send_held_module_tensors(self):
        """Held in lens.step and the app asked for a module: its tensors of this step, at once."""
        self._module_asked = False
        refs, chunks = self._module_tensors(0)
        if refs is not None:
            self._send({"type": "module-tensors", "step": self._step, "moduleTensors": refs}, b"".join(chunks))

    def _flush_losses(self):
        self._last_flush = time.monotonic()
        if self._losses:
            points, self._losses = self._losses, []
            self._send({"type": "losses", "points": points})

    def _send(self, header, payload=b""):
        self._sock.sendall(_wire.encode_frame(header, payload))

    def _handle(self, msg):
        kind = msg.get("type")
        if kind == "needs":
            before = self._needs.get("module")
            self._needs.update({k: v for k, v in msg.items() if k != "type"})
            if isinstance(self._needs.get("module"), str) and self._needs.get("module") != before:
                self._module_asked = True
        elif kind == "ack":
            if self._awaiting_ack is not None and msg.get("step", 0) >= self._awaiting_ack:
                self._awaiting_ack = None
            if msg.get("hold"):
                self._paused = True
        elif kind == "control":
            action = msg.get("action")
            if action == "pause":
                self._paused = True
            elif action == "continue":
                self._paused = self._pause_next = False
            elif action == "step":
                self._paused, self._pause_next = False, True
        elif kind == "error":
            raise ConnectionError(str(msg.get("message")))

    def _poll(self, timeout):
        """Reads and handles what the app sent; timeout None blocks until something arrives."""
        ready, _, _ = select.select([self._sock], [], [], timeout)
        if not ready:
            return []
        data = self._sock.recv(1 << 16)
        if not data:
            raise ConnectionError("the app closed the connection")
        msgs = self._reader.push(data)
        for m in msgs:
            self._handle(m)
        return msgs

    def _wait(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while self._sock is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            for m in self._poll(left):
                if predicate(m):
                    return m
        return None

    def _gone(self, error):
        sys.stderr.write("backprop-lens: detached (%s); training continues without the app\n"
                         % (str(error) or type(error).__name__))
        self._shutdown()

    def _shutdown(self):
        sock, self._sock = self._sock, None
        self._paused = False
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        self._tap.close()
