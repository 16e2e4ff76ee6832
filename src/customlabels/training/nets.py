"""Which network a task uses: the one place that maps a task to its module."""

from __future__ import annotations

from torch import nn

from customlabels.training.types import Task


def build_net(task: Task, backbone: str, num_labels: int, pretrained: bool) -> nn.Module:
    """A fresh network for ``task``; ``pretrained`` loads the backbone's ImageNet weights."""
    if task == Task.DETECTION:
        from customlabels.training.detector import DetectorNet

        return DetectorNet(backbone, num_labels, pretrained=pretrained)
    from customlabels.training.classifier import ClassifierNet

    return ClassifierNet(backbone, num_labels, task == Task.MULTI_LABEL, pretrained=pretrained)
