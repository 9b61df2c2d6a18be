"""The attach wire format (docs/formats.md): "BPLA" once, then frames of
u32 LE header length, u32 LE payload length, UTF-8 JSON header, raw little-endian float32 payload."""
import json
import math
import struct

MAGIC = b"BPLA"
PROTOCOL_VERSION = 1
MAX_HEADER_BYTES = 1 << 20
_PREFIX = struct.Struct("<II")


def wire_number(x):
    """JSON has no NaN/Infinity: they travel as strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def encode_frame(header, payload=b""):
    body = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return _PREFIX.pack(len(body), len(payload)) + body + payload


class ProtocolError(Exception):
    """The app sent something this client cannot read."""


class FrameReader:
    """Incremental decoder of the app's frames (headers only carry JSON; the app sends no payloads)."""

    def __init__(self, max_payload=1 << 20):
        self._buf = bytearray()
        self._max_payload = max_payload

    def push(self, data):
        self._buf += data
        out = []
        while len(self._buf) >= _PREFIX.size:
            hlen, plen = _PREFIX.unpack_from(self._buf, 0)
            if hlen > MAX_HEADER_BYTES or plen > self._max_payload:
                raise ProtocolError("oversized frame from the app (%d + %d bytes)" % (hlen, plen))
            end = _PREFIX.size + hlen + plen
            if len(self._buf) < end:
                break
            header = json.loads(bytes(self._buf[_PREFIX.size:_PREFIX.size + hlen]).decode("utf-8"))
            del self._buf[:end]
            out.append(header)
        return out
