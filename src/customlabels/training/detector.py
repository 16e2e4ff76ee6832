"""Object detection network: an FCOS-style anchor-free head on a small feature pyramid.

Anchor-free because every location simply predicts its distances to the four sides of the
object it sits in: no anchor sizes or ratios to tune per dataset, and small objects are
handled by the stride-8 level. The pyramid has three levels (strides 8, 16, 32) built from
the backbone's outputs; the head is shared across levels and uses depthwise-separable
convolutions, which keep the stride-8 level cheap enough for a CPU.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from customlabels.training.backbone import Backbone
from customlabels.training.boxes import batched_nms

STRIDES = (8, 16, 32)
CHANNELS = 64
PRIOR = 0.01  # initial foreground probability: keeps the focal loss sane at the start
CANDIDATES = 200  # best-scoring (location, label) pairs that enter NMS, per image
MAX_DETECTIONS = 100
NMS_IOU = 0.5


def _separable(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.GroupNorm(16, cout),  # batch statistics of 8 photos are too noisy for BatchNorm
        nn.ReLU(inplace=True),
    )


class DetectorNet(nn.Module):
    """Backbone -> pyramid -> per-location class scores, box distances and centerness."""

    def __init__(self, backbone: str, num_labels: int, pretrained: bool) -> None:
        super().__init__()
        self.backbone = Backbone(backbone, pretrained=pretrained)
        ins = self.backbone.pyramid_channels()
        self.lateral = nn.ModuleList(nn.Conv2d(c, CHANNELS, 1) for c in ins)
        self.smooth = nn.ModuleList(_separable(CHANNELS, CHANNELS) for _ in ins)
        self.tower = nn.Sequential(_separable(CHANNELS, CHANNELS), _separable(CHANNELS, CHANNELS))
        self.cls = nn.Conv2d(CHANNELS, num_labels, 3, padding=1)
        self.reg = nn.Conv2d(CHANNELS, 4, 3, padding=1)
        self.ctr = nn.Conv2d(CHANNELS, 1, 3, padding=1)
        self.scales = nn.Parameter(torch.ones(len(STRIDES)))
        nn.init.normal_(self.cls.weight, std=0.01)
        nn.init.constant_(self.cls.bias, -math.log((1 - PRIOR) / PRIOR))
        nn.init.normal_(self.reg.weight, std=0.01)
        nn.init.constant_(self.reg.bias, 1.0)
        nn.init.normal_(self.ctr.weight, std=0.01)
        nn.init.zeros_(self.ctr.bias)
        # Where detection taps the backbone: the stride-8 output can be cached while the
        # blocks after it train (see detector_training).
        self.split = next(s.end for s in self.backbone.stages if s.stride == 8)

    def trunk(self, x: torch.Tensor) -> torch.Tensor:
        """The frozen part: image -> stride-8 activations."""
        return self.backbone.run(x, 0, self.split)

    def from_trunk(self, c3: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Stride-8 activations -> (class logits [B,P,C], distances [B,P,4], centerness [B,P])."""
        feats = [c3]
        x = c3
        for stage in self.backbone.stages:
            if stage.end <= self.split:
                continue
            for block in self.backbone.blocks[stage.start : stage.end]:
                x = block(x)
            if stage.stride == 16:
                feats.append(x)
        feats.append(self.backbone.head(x))
        laterals = [lat(f) for lat, f in zip(self.lateral, feats, strict=True)]
        for i in range(len(laterals) - 1, 0, -1):  # top-down: coarse meaning into fine maps
            laterals[i - 1] = laterals[i - 1] + F.interpolate(
                laterals[i], size=laterals[i - 1].shape[-2:], mode="nearest"
            )
        cls, reg, ctr = [], [], []
        for level, (smooth, lat) in enumerate(zip(self.smooth, laterals, strict=True)):
            t = self.tower(smooth(lat))
            cls.append(self.cls(t).flatten(2))
            # Distances in units of the level's stride; softplus keeps them positive and smooth.
            reg.append(F.softplus(self.reg(t) * self.scales[level]).flatten(2) * STRIDES[level])
            ctr.append(self.ctr(t).flatten(2))
        return (
            torch.cat(cls, 2).transpose(1, 2),
            torch.cat(reg, 2).transpose(1, 2),
            torch.cat(ctr, 2)[:, 0, :],
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.from_trunk(self.trunk(x))

    def detect(
        self, x: torch.Tensor, floor: float = 0.0
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Boxes [B,K,4] (x1y1x2y2 as ratios of the input), scores, labels, kept-mask [B,K]."""
        cls, dist, ctr = self(x)
        size = x.shape[-1]
        return postprocess(cls, dist, ctr, points(size, x.device), size, floor)


def points(size: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """Centres [P, 2] of every location of every level, in input pixels, in output order."""
    out = []
    for stride in STRIDES:
        n = math.ceil(size / stride)
        c = (torch.arange(n, device=device, dtype=torch.float32) + 0.5) * stride
        yy, xx = torch.meshgrid(c, c, indexing="ij")
        out.append(torch.stack([xx.flatten(), yy.flatten()], 1))
    return torch.cat(out)


def point_strides(size: int) -> torch.Tensor:
    return torch.cat([torch.full((math.ceil(size / s) ** 2,), float(s)) for s in STRIDES])


def distances_to_boxes(pts: torch.Tensor, dist: torch.Tensor) -> torch.Tensor:
    return torch.cat([pts - dist[..., :2], pts + dist[..., 2:]], -1)


def postprocess(
    cls: torch.Tensor,
    dist: torch.Tensor,
    ctr: torch.Tensor,
    pts: torch.Tensor,
    size: int,
    floor: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Score = sqrt(class probability × centerness); best candidates; per-label NMS.

    Fixed shapes throughout (``CANDIDATES`` per image), so the same function traces into the
    exported ONNX graph.
    """
    batch, num_points, num_labels = cls.shape
    scores = torch.sqrt(torch.sigmoid(cls) * torch.sigmoid(ctr)[..., None]).flatten(1)
    k = min(CANDIDATES, num_points * num_labels)
    top, index = scores.topk(k, dim=1)
    point = torch.div(index, num_labels, rounding_mode="floor")
    labels = index - point * num_labels
    boxes = distances_to_boxes(
        pts[point], torch.gather(dist, 1, point[..., None].expand(-1, -1, 4))
    )
    boxes = boxes.clamp(0, size) / size
    keep = batched_nms(boxes, top, labels, NMS_IOU) & (top >= floor)
    keep = keep & (torch.cumsum(keep.to(torch.int32), 1) <= MAX_DETECTIONS)
    return boxes, top, labels, keep
