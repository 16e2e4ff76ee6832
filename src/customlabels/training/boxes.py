"""Box arithmetic in torch: IoU, GIoU loss and non-maximum suppression.

NMS is written here rather than taken from torchvision: no torchvision build imports beside
the pinned CPU torch (its compiled ``nms`` operator is missing), and this form — a fixed
number of candidates and a loop unrolled over them — exports to ONNX as plain tensor
operations, so the exported model runs the very same suppression as training and serving.
"""

from __future__ import annotations

import torch


def box_area(b: torch.Tensor) -> torch.Tensor:
    return (b[..., 2] - b[..., 0]).clamp(min=0) * (b[..., 3] - b[..., 1]).clamp(min=0)


def pairwise_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """IoU of every box in ``a [..., N, 4]`` with every box in ``b [..., M, 4]`` (x1y1x2y2)."""
    lt = torch.maximum(a[..., :, None, :2], b[..., None, :, :2])
    rb = torch.minimum(a[..., :, None, 2:], b[..., None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    union = box_area(a)[..., :, None] + box_area(b)[..., None, :] - inter
    return inter / union.clamp(min=1e-9)


def giou_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """1 - generalised IoU of matching rows (x1y1x2y2): has a gradient even without overlap."""
    lt = torch.maximum(pred[:, :2], target[:, :2])
    rb = torch.minimum(pred[:, 2:], target[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    union = box_area(pred) + box_area(target) - inter
    iou = inter / union.clamp(min=1e-9)
    hull = torch.maximum(pred[:, 2:], target[:, 2:]) - torch.minimum(pred[:, :2], target[:, :2])
    hull_area = hull.clamp(min=0).prod(-1).clamp(min=1e-9)
    return 1 - (iou - (hull_area - union) / hull_area)


def batched_nms(
    boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor, iou_threshold: float
) -> torch.Tensor:
    """Greedy per-label NMS over candidates sorted by descending score.

    ``boxes [B, K, 4]``, ``scores``/``labels [B, K]``, each row sorted by score. Returns a
    ``[B, K]`` bool mask of the boxes kept. Candidate ``i`` is final once every earlier
    candidate has been visited, so one pass in order is exactly the greedy algorithm.
    """
    k = boxes.shape[1]
    overlaps = pairwise_iou(boxes, boxes) > iou_threshold
    overlaps = overlaps & (labels[:, :, None] == labels[:, None, :])
    later = torch.ones(k, k, dtype=torch.bool, device=boxes.device).triu(1)
    suppresses = overlaps & later  # [B, i, j]: i would suppress j (j after i)
    keep = torch.ones_like(scores, dtype=torch.bool)
    for i in range(k):
        keep = keep & ~(suppresses[:, i, :] & keep[:, i : i + 1])
    return keep
