"""The backbone's frozen part gives the same activations through ONNX Runtime as through torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from customlabels.training.backbone import Backbone
from customlabels.training.frozen_pass import FrozenPass
from customlabels.training.images import to_tensor_batch

from .builders import PHOTOS


def _pixels(size: int) -> list[np.ndarray]:
    photos = [PHOTOS[name]() for name in ("cat", "coffee")]
    return [np.asarray(Image.fromarray(p).resize((size, size))) for p in photos]


@pytest.mark.parametrize(("name", "size"), [("lite0", 224), ("lite1", 160)])
def test_onnx_runtime_runs_the_frozen_blocks_as_torch_does(name: str, size: int) -> None:
    backbone = Backbone(name).eval()
    end = backbone.tail_start(2)
    frozen = FrozenPass(backbone, end, size, torch.device("cpu"))
    assert frozen.session is not None, "the CPU path should run in ONNX Runtime"
    pixels = _pixels(size)
    with torch.no_grad():
        expected = backbone.run(to_tensor_batch(pixels), 0, end)
    got = frozen(pixels)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-3, rtol=1e-3)
    # The photos differ, and so do their activations: the session is not answering a constant.
    assert not torch.allclose(got[0], got[1], atol=1e-2)


def test_exporting_the_frozen_part_leaves_the_backbone_in_the_mode_it_was_in() -> None:
    backbone = Backbone("lite0").eval()
    FrozenPass(backbone, backbone.tail_start(2), 96, torch.device("cpu"))
    assert not any(m.training for m in backbone.modules())
