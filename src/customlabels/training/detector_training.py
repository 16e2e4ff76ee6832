"""Training the detector: FCOS target assignment, focal + GIoU + centerness losses.

The frozen stem and first stages run once per photo (and once more mirrored, when
augmenting) and their stride-8 activations are cached; each epoch then runs only the later
backbone stages, the pyramid and the head. Mirroring is exact here: the input is square
and every stride divides it, so the flipped image's boxes are ``size - x``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from customlabels.training.boxes import giou_loss
from customlabels.training.detector import (
    STRIDES,
    DetectorNet,
    distances_to_boxes,
    point_strides,
    points,
)
from customlabels.training.images import decode, scale_boxes, to_tensor_batch
from customlabels.training.progress import Reporter
from customlabels.training.types import Sample, TrainConfig

BATCH = 8
CENTER_RADIUS = 1.5  # locations within 1.5 strides of a box centre may be positive (FCOS)
FOCAL_ALPHA = 0.25
FOCAL_GAMMA = 2.0


def size_ranges(size: int) -> list[tuple[float, float]]:
    """Which level learns which objects, by their largest side-distance, scaled to the input."""
    unit = size / 320 * 64
    return [(0.0, unit), (unit, 2 * unit), (2 * unit, float("inf"))][: len(STRIDES)]


def assign(
    gt: np.ndarray, pts: torch.Tensor, strides: torch.Tensor, ranges: torch.Tensor, num_labels: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """FCOS targets for one image: class one-hots [P,C], boxes [P,4] and a positive mask [P].

    ``gt``: rows ``[label, x1, y1, x2, y2]`` in input pixels. A location is positive for the
    smallest box that contains it, whose centre is near it, and whose size suits its level.
    """
    p = len(pts)
    cls_t = torch.zeros(p, num_labels)
    box_t = torch.zeros(p, 4)
    if len(gt) == 0:
        return cls_t, box_t, torch.zeros(p, dtype=torch.bool)
    g = torch.from_numpy(gt)
    labels, boxes = g[:, 0].long(), g[:, 1:]
    x, y = pts[:, 0:1], pts[:, 1:2]
    ltrb = torch.stack([x - boxes[:, 0], y - boxes[:, 1], boxes[:, 2] - x, boxes[:, 3] - y], 2)
    inside = ltrb.min(2).values > 0
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    r = strides[:, None] * CENTER_RADIUS
    near = ((x - cx).abs() < r) & ((y - cy).abs() < r)
    reach = ltrb.max(2).values
    fits = (reach >= ranges[:, 0:1]) & (reach <= ranges[:, 1:2])
    area = ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]))[None].expand(p, -1)
    area = torch.where(inside & near & fits, area, torch.full_like(area, float("inf")))
    best_area, best = area.min(1)
    positive = torch.isfinite(best_area)
    cls_t[positive, labels[best[positive]]] = 1.0
    box_t[positive] = boxes[best[positive]]
    return cls_t, box_t, positive


def centerness_target(pts: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    left, top = pts[:, 0] - boxes[:, 0], pts[:, 1] - boxes[:, 1]
    right, bottom = boxes[:, 2] - pts[:, 0], boxes[:, 3] - pts[:, 1]
    lr = torch.minimum(left, right).clamp(min=0) / torch.maximum(left, right).clamp(min=1e-6)
    tb = torch.minimum(top, bottom).clamp(min=0) / torch.maximum(top, bottom).clamp(min=1e-6)
    return torch.sqrt(lr * tb)


def detection_loss(
    cls: torch.Tensor,
    dist: torch.Tensor,
    ctr: torch.Tensor,
    cls_t: torch.Tensor,
    box_t: torch.Tensor,
    positive: torch.Tensor,
    pts: torch.Tensor,
) -> torch.Tensor:
    """Focal loss over all locations; GIoU and centerness over the positive ones."""
    num_pos = max(1.0, float(positive.sum()))
    p = torch.sigmoid(cls)
    ce = F.binary_cross_entropy_with_logits(cls, cls_t, reduction="none")
    p_t = p * cls_t + (1 - p) * (1 - cls_t)
    alpha = FOCAL_ALPHA * cls_t + (1 - FOCAL_ALPHA) * (1 - cls_t)
    focal = (alpha * (1 - p_t) ** FOCAL_GAMMA * ce).sum() / num_pos
    if not positive.any():
        return focal
    pos_pts = pts.expand(len(cls), -1, -1)[positive]
    target_boxes = box_t[positive]
    ctr_t = centerness_target(pos_pts, target_boxes)
    pred_boxes = distances_to_boxes(pos_pts, dist[positive])
    box = (giou_loss(pred_boxes, target_boxes) * ctr_t).sum() / ctr_t.sum().clamp(min=1e-6)
    centerness = F.binary_cross_entropy_with_logits(ctr[positive], ctr_t, reduction="sum") / num_pos
    return focal + box + centerness


def train_detector(
    num_labels: int, samples: Sequence[Sample], config: TrainConfig, reporter: Reporter
) -> DetectorNet:
    """Fit a detector on ``samples`` (their boxes); returns the network in eval mode."""
    assert config.backbone and config.image_size and config.epochs and config.learning_rate
    size = config.image_size
    device = torch.device(config.device or "cpu")
    torch.manual_seed(config.seed)
    net = DetectorNet(config.backbone, num_labels, pretrained=True)
    # Module.to moves in place; torch's stubs lack its memory_format keyword.
    net.to(device, memory_format=torch.channels_last)  # type: ignore[call-overload]
    net.eval()

    views = _cache_views(net, samples, size, device, config.augment, reporter)
    pts = points(size)
    strides = point_strides(size)
    counts = torch.tensor([math.ceil(size / s) ** 2 for s in STRIDES])
    ranges = torch.tensor(size_ranges(size)).repeat_interleave(counts, dim=0)
    targets = [[assign(g, pts, strides, ranges, num_labels) for g in gts] for _, gts in views]
    pts_d = pts.to(device)

    opt, groups = _optimizer(net, config)
    n = len(samples)
    steps_per_epoch = (n + BATCH - 1) // BATCH
    total = config.epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, [g["lr"] for g in groups], total_steps=total, pct_start=0.1
    )
    gen = torch.Generator().manual_seed(config.seed)
    net.train()
    net.backbone.eval()  # frozen batch-norm statistics (see classifier._fine_tune)
    for epoch in range(config.epochs):
        order = torch.randperm(n, generator=gen).tolist()
        view = torch.randint(len(views), (n,), generator=gen).tolist()
        running = 0.0
        for i in range(steps_per_epoch):
            idx = order[i * BATCH : (i + 1) * BATCH]
            c3 = torch.stack([views[view[j]][0][j] for j in idx]).to(device)
            tgt = [targets[view[j]][j] for j in idx]
            loss = detection_loss(
                *net.from_trunk(c3.contiguous(memory_format=torch.channels_last)),
                torch.stack([t[0] for t in tgt]).to(device),
                torch.stack([t[1] for t in tgt]).to(device),
                torch.stack([t[2] for t in tgt]).to(device),
                pts_d[None],
            )
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
            running += float(loss.detach()) * len(idx)
            reporter.step(
                "training",
                epoch * steps_per_epoch + i + 1,
                total,
                epoch + 1,
                config.epochs,
                running / min(n, (i + 1) * BATCH),
            )
    for p in net.parameters():
        p.requires_grad_(False)
    net.eval()
    return net


def _optimizer(
    net: DetectorNet, config: TrainConfig
) -> tuple[torch.optim.Optimizer, list[dict[str, Any]]]:
    """The pyramid and head always train; the backbone after stride 8 only when fine-tuning."""
    assert config.learning_rate
    lr = config.learning_rate
    for p in net.parameters():
        p.requires_grad_(False)
    head = [p for name, p in net.named_parameters() if not name.startswith("backbone.")]
    groups: list[dict[str, Any]] = [{"params": head, "lr": lr}]
    if config.fine_tune:
        tuned = [p for b in net.backbone.blocks[net.split :] for p in b.parameters()]
        tuned += list(net.backbone.head.parameters())
        groups.append({"params": tuned, "lr": lr / 4})  # pretrained: move gently
    for group in groups:
        for p in group["params"]:
            p.requires_grad_(True)
    return torch.optim.AdamW(groups, weight_decay=1e-4), groups


@torch.no_grad()
def _cache_views(
    net: DetectorNet,
    samples: Sequence[Sample],
    size: int,
    device: torch.device,
    mirror: bool,
    reporter: Reporter,
) -> list[tuple[list[torch.Tensor], list[np.ndarray]]]:
    """Per view (as decoded, and mirrored when augmenting): stride-8 activations and boxes."""
    plain: list[torch.Tensor] = []
    flipped: list[torch.Tensor] = []
    gts: list[np.ndarray] = []
    for i in range(0, len(samples), BATCH):
        chunk = samples[i : i + BATCH]
        decoded = [decode(s.path, size) for s in chunk]
        for s, d in zip(chunk, decoded, strict=True):
            gts.append(scale_boxes(s.boxes, d.width, d.height, size))
        batch = to_tensor_batch([d.pixels for d in decoded]).to(device)
        plain.extend(net.trunk(batch).cpu())
        if mirror:
            flipped.extend(net.trunk(batch.flip(3)).cpu())
        reporter.step("features", i + len(chunk), len(samples))
    views = [(plain, gts)]
    if mirror:
        views.append((flipped, [mirror_boxes(g, size) for g in gts]))
    return views


def mirror_boxes(gt: np.ndarray, size: int) -> np.ndarray:
    out = gt.copy()
    out[:, 1], out[:, 3] = size - gt[:, 3], size - gt[:, 1]
    return out
