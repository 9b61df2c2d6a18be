"""Unit tests of backprop_lens_attach that need no app (run by engine/attach/python-unit.test.ts:
/usr/bin/python3 -m unittest discover -s python/tests)."""
import io
import math
import os
import socket
import sys
import unittest
from contextlib import redirect_stderr
from unittest import mock

import torch
import torch.nn as nn

from backprop_lens_attach import NoOpLens, attach, parse_address, process_rank
import torch.nn.functional as F

from backprop_lens_attach._taps import ModuleTap, decimate, decimate_blocks, sequential_layers, summary
from backprop_lens_attach._wire import FrameReader, encode_frame, wire_number


class Decimate(unittest.TestCase):
    def test_keeps_the_largest_magnitude_with_its_sign(self):
        t = torch.tensor([[1.0, -3.0], [2.0, 0.5]])
        self.assertEqual(decimate(t, 1).tolist(), [[-3.0]])

    def test_nan_and_inf_survive(self):
        t = torch.zeros(300, 200)
        t[5, 5] = math.nan
        t[250, 10] = math.inf
        r = decimate(t, 64)
        self.assertEqual(tuple(r.shape), (60, 50))  # equal blocks of 5 × 4 cells, at most 64 × 64
        self.assertEqual(int(torch.isnan(r).sum()), 1)
        self.assertEqual(int(torch.isinf(r).sum()), 1)

    def test_small_tensors_are_sent_whole(self):
        t = torch.randn(16, 8)
        self.assertIs(decimate(t, 64), t)
        self.assertEqual(decimate(torch.randn(500, 500), 0).shape[0], 500)


    def test_blocks_equal_the_plain_definition_transposed_views_and_ragged_edges_included(self):
        def reference(t, m):  # zero padding, one copy of the blocks: the definition
            rows, cols = t.shape
            br, bc = -(-rows // m), -(-cols // m)
            R, C = -(-rows // br), -(-cols // bc)
            x = F.pad(t.float(), (0, C * bc - cols, 0, R * br - rows))
            lo, hi = torch.aminmax(x.reshape(R, br, C, bc).permute(0, 2, 1, 3).reshape(R, C, br * bc), dim=2)
            return torch.where(hi >= -lo, hi, lo)
        torch.manual_seed(3)
        for shape in [(784, 256), (257, 65), (128, 10), (1000, 3)]:
            for m in (64, 7):
                a = torch.randn(*shape)
                for t in (a, a.t(), a.abs() + 1, -(a.abs() + 1)):  # all-positive / all-negative: padding must not win
                    self.assertTrue(torch.equal(decimate(t, m), reference(t, m)), (shape, m))

    def test_a_summary_from_the_blocks_equals_one_from_the_tensor(self):
        torch.manual_seed(4)
        for fill in (None, math.nan, math.inf):
            t = torch.randn(300, 130).abs() + 0.5
            if fill is not None:
                t[7, 9] = fill
            _, lo, hi = decimate_blocks(t, 64)
            self.assertEqual(summary(t, "relu", (lo, hi)), summary(t, "relu"))


class Mapping(unittest.TestCase):
    def test_sequential_of_linear_and_activations_maps_exactly(self):
        m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.LogSoftmax(dim=1))
        self.assertEqual([n for _, _, n in sequential_layers(m)], ["relu", "softmax"])

    def test_anything_else_falls_back_to_module_statistics(self):
        self.assertIsNone(sequential_layers(nn.Sequential(nn.Linear(4, 8), nn.Dropout(), nn.Linear(8, 1))))
        self.assertIsNone(sequential_layers(nn.Sequential(nn.Linear(4, 8), nn.Softmax(dim=1), nn.Linear(8, 1))))
        self.assertIsNone(sequential_layers(nn.Sequential(nn.Linear(4, 8), nn.ReLU(inplace=True))))
        self.assertIsNone(sequential_layers(nn.Linear(4, 8)))


class ModuleTensors(unittest.TestCase):
    def test_a_modules_tensors_are_2d_output_parameters_and_gradients(self):
        model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(12, 1))
        tap = ModuleTap(model)
        try:
            model(torch.randn(5, 2, 4, 4)).sum().backward()
            got = {label: tuple(t.shape) for label, t in tap.module_tensors("0")}
            # Output 5×3×2×2 → samples × features; the conv weight 3×2×3×3 → 3 × 18; bias as one row.
            self.assertEqual(got, {"output": (5, 12), "weight": (3, 18), "weight.grad": (3, 18),
                                   "bias": (1, 3), "bias.grad": (1, 3)})
            w = dict(tap.module_tensors("0"))["weight.grad"]
            self.assertTrue(torch.equal(w, model[0].weight.grad.reshape(3, -1)))
            self.assertEqual([label for label, _ in tap.module_tensors("1")], ["output"])  # ReLU: no parameters
            self.assertEqual(tap.module_tensors("no-such-module"), [])
        finally:
            tap.close()


class Wire(unittest.TestCase):
    def test_frames_round_trip_and_non_finite_numbers_are_strings(self):
        r = FrameReader()
        data = encode_frame({"type": "ack", "step": 3, "hold": False})
        self.assertEqual(r.push(data[:5]) + r.push(data[5:]), [{"type": "ack", "step": 3, "hold": False}])
        self.assertEqual([wire_number(x) for x in (math.nan, math.inf, -math.inf, 1.5)], ["NaN", "Infinity", "-Infinity", 1.5])


class Attach(unittest.TestCase):
    def test_address_parsing(self):
        self.assertEqual(parse_address("tcp://127.0.0.1:5000?token=ab"), ("127.0.0.1", 5000, "ab"))
        self.assertEqual(parse_address("127.0.0.1:7"), ("127.0.0.1", 7, None))
        with self.assertRaises(ValueError):
            parse_address("http://127.0.0.1:5000")

    def test_rank_gating(self):
        with mock.patch.dict(os.environ, {"RANK": "3"}):
            self.assertEqual(process_rank(), 3)
            self.assertIsInstance(attach(nn.Linear(2, 1), address="tcp://127.0.0.1:1?token=x"), NoOpLens)
        with mock.patch.dict(os.environ, {"RANK": "3"}), redirect_stderr(io.StringIO()):
            # rank=3 attaches from rank 3: it tries (and, with nothing listening, gives a no-op lens).
            self.assertIsInstance(attach(nn.Linear(2, 1), address="tcp://127.0.0.1:1?token=x", rank=3), NoOpLens)

    def test_no_app_means_one_line_and_a_lens_that_does_nothing(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        err = io.StringIO()
        with mock.patch.dict(os.environ, {"RANK": "0"}), redirect_stderr(err):
            lens = attach(nn.Linear(2, 1), address="tcp://127.0.0.1:%d?token=x" % port)
            lens.step(torch.tensor(1.0))
            lens.close()
        self.assertIsInstance(lens, NoOpLens)
        self.assertEqual(len(err.getvalue().strip().splitlines()), 1)
        self.assertIn("could not attach", err.getvalue())


class FailedAttach(unittest.TestCase):
    def test_leaves_no_hooks_on_the_model(self):
        import threading
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]

        def refuse():
            conn, _ = server.accept()
            conn.recv(65536)
            conn.close()  # as the app does after a wrong token

        t = threading.Thread(target=refuse)
        t.start()
        model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
        with mock.patch.dict(os.environ, {"RANK": "0"}), redirect_stderr(io.StringIO()):
            lens = attach(model, address="tcp://127.0.0.1:%d?token=wrong" % port)
        t.join()
        server.close()
        self.assertIsInstance(lens, NoOpLens)
        self.assertEqual(len(model._forward_pre_hooks), 0)
        self.assertTrue(all(len(m._forward_hooks) == 0 for m in model.modules()))


if __name__ == "__main__":
    unittest.main()
