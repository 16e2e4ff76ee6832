"""Benchmark: train a classifier end to end on real photos, against two baselines.

    .venv/bin/python bench/train.py [--set clothing|shoes] [--limit 1000] [--full-epochs 3]

The photos come from the shared datasets folder (``CUSTOMLABELS_TEST_DATASETS``, by default
``shared/datasets`` beside the checkout): ``clothing/`` (TRAIN = ``train/``, TEST =
``validation/``; ``--limit`` keeps that many TRAIN photos, the same share of each label) or
``shoes/`` (``train/`` and ``test/``). Both datasets are imported through the public
services into a fresh SQLite data dir; then, in one run:

- the DEFAULT: ``train`` as a user runs it (the measured defaults), timed from the request
  to TRAINING_COMPLETED, evaluation included;
- baseline (a), a LINEAR PROBE: the same service with ``fine_tune: false``, i.e. a head on
  the same backbone's pooled features;
- baseline (b), a FULL FINE-TUNE: every layer of the same pretrained backbone, at the same
  input size, trained with AdamW, random crops and mirroring for ``--full-epochs`` epochs
  (a plain loop, outside the service; each epoch's time is printed as it ends).

Each line prints its time, test accuracy (top-1) and macro-F1 over the labels.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from _common import DATASETS, OUT_DIR, bench_context, print_table, temp_dir, train_version

from customlabels.services import projects, runner
from customlabels.services.imports.start import start_dataset_create
from customlabels.services.models import results

PROJECT = "bench"


def _subset(source: Path, limit: int | None) -> Path:
    """``source`` (label folders) cut to ``limit`` photos, the same share of each label."""
    if limit is None:
        return source
    files = {d.name: sorted(d.glob("*.jpg")) for d in sorted(source.iterdir()) if d.is_dir()}
    total = sum(len(f) for f in files.values())
    target = OUT_DIR / f"{source.parent.name}-{source.name}-{limit}"
    if target.is_dir():
        return target
    for label, paths in files.items():
        keep = max(1, round(len(paths) * limit / total))
        (target / label).mkdir(parents=True, exist_ok=True)
        for path in paths[:keep]:
            shutil.copy(path, target / label / path.name)
    return target


def _import(ctx, type_name: str, folder: Path) -> None:
    source = {"kind": "folder", "path": str(folder), "folder_labels": True}
    job = runner.run_job(ctx, start_dataset_create(ctx, PROJECT, type_name, source))
    assert job.status == "SUCCEEDED", job.message


def _scores(ctx, name: str) -> tuple[float, float]:
    """Top-1 accuracy and macro-F1 of a trained version on its TEST images."""
    found = results.version_results(ctx, PROJECT, name)
    truth, guess = [], []
    for image in found.images:
        best = max(image.predictions, key=lambda p: p.confidence or 0.0, default=None)
        truth.append(image.true_labels[0])
        guess.append(best.label if best else "")
    return _accuracy_and_macro_f1(truth, guess, found.label_names)


def _accuracy_and_macro_f1(
    truth: list[str], guess: list[str], labels: list[str]
) -> tuple[float, float]:
    accuracy = sum(t == g for t, g in zip(truth, guess, strict=True)) / len(truth)
    f1s = []
    for label in labels:
        tp = sum(t == label and g == label for t, g in zip(truth, guess, strict=True))
        fp = sum(t != label and g == label for t, g in zip(truth, guess, strict=True))
        fn = sum(t == label and g != label for t, g in zip(truth, guess, strict=True))
        if tp + fn:  # labels absent from TEST don't count, as the evaluation does
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return accuracy, float(np.mean(f1s))


def _train(ctx, config: dict) -> tuple[float, float, float, dict]:
    seconds, done = train_version(ctx, PROJECT, config)
    accuracy, macro_f1 = _scores(ctx, done.name)
    return seconds, accuracy, macro_f1, done.config


def _random_crops(batch, generator):  # noqa: ANN001, ANN202
    """Each photo cut to 60-100% of its area (aspect 3:4 to 4:3), stretched back, maybe mirrored."""
    import torch
    import torch.nn.functional as F

    size = batch.shape[-1]
    out = []
    for image in batch:
        area = float(torch.empty(1).uniform_(0.6, 1.0, generator=generator))
        aspect = float(torch.empty(1).uniform_(0.75, 1.333, generator=generator))
        w = min(size, round(size * (area * aspect) ** 0.5))
        h = min(size, round(size * (area / aspect) ** 0.5))
        x0 = int(torch.randint(0, size - w + 1, (1,), generator=generator))
        y0 = int(torch.randint(0, size - h + 1, (1,), generator=generator))
        crop = image[:, y0 : y0 + h, x0 : x0 + w][None]
        crop = F.interpolate(crop, size=(size, size), mode="bilinear", align_corners=False)[0]
        if float(torch.rand(1, generator=generator)) < 0.5:
            crop = crop.flip(2)
        out.append(crop)
    return torch.stack(out)


def _full_fine_tune(
    train_dir: Path, test_dir: Path, epochs: int, backbone: str, size: int
) -> tuple[float, float, float]:
    """Every layer of the pretrained backbone trained end to end: the slow, strong baseline.

    AdamW at 1e-3 with a one-cycle schedule (the head starts from zero, so it needs a rate
    that high), label smoothing, random crops and mirroring, batch-norm on batch statistics.
    """
    import torch

    from customlabels.training.classifier import ClassifierNet
    from customlabels.training.images import decode, to_tensor_batch

    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    labels = sorted(d.name for d in train_dir.iterdir() if d.is_dir())

    def load(folder: Path) -> tuple[torch.Tensor, torch.Tensor]:
        pixels, targets = [], []
        for index, label in enumerate(labels):
            for path in sorted((folder / label).glob("*.jpg")):
                pixels.append(decode(path, size).pixels)
                targets.append(index)
        return to_tensor_batch(pixels).contiguous(), torch.tensor(targets)

    start = time.perf_counter()
    x, y = load(train_dir)
    tx, ty = load(test_dir)
    net = ClassifierNet(backbone, len(labels), multi_label=False, pretrained=True).train()
    optimiser = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    steps = epochs * ((len(x) + 31) // 32)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=1e-3, total_steps=steps)
    testing = 0.0  # the per-epoch test runs are reported, not counted in the training time
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(x), generator=generator)
        for first in range(0, len(x), 32):
            idx = order[first : first + 32]
            batch = _random_crops(x[idx], generator)
            loss = torch.nn.functional.cross_entropy(net(batch), y[idx], label_smoothing=0.1)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
        tested = time.perf_counter()
        accuracy, macro_f1 = _test(net, tx, ty, labels)
        testing += time.perf_counter() - tested
        print(
            f"  full fine-tune: epoch {epoch + 1}/{epochs} at "
            f"{time.perf_counter() - start - testing:.0f} s: accuracy {accuracy:.3f}, "
            f"macro-F1 {macro_f1:.3f}",
            flush=True,
        )
    return time.perf_counter() - start - testing, accuracy, macro_f1


def _test(net, tx, ty, labels: list[str]) -> tuple[float, float]:  # noqa: ANN001
    import torch

    net.eval()
    with torch.no_grad():
        guess = torch.cat([net(tx[i : i + 64]).argmax(1) for i in range(0, len(tx), 64)])
    return _accuracy_and_macro_f1(
        [labels[i] for i in ty.tolist()], [labels[i] for i in guess.tolist()], labels
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["clothing", "shoes"], default="clothing")
    parser.add_argument("--limit", type=int, default=None, help="TRAIN photos kept (clothing)")
    parser.add_argument("--full-epochs", type=int, default=3, help="epochs of baseline (b)")
    parser.add_argument("--skip-full", action="store_true", help="leave baseline (b) out")
    args = parser.parse_args()
    if not DATASETS.is_dir():
        sys.exit(f"no photos at {DATASETS}: set CUSTOMLABELS_TEST_DATASETS")
    if args.set == "clothing":
        train_dir = _subset(DATASETS / "clothing" / "train", args.limit)
        test_dir = DATASETS / "clothing" / "validation"
    else:
        train_dir, test_dir = DATASETS / "shoes" / "train", DATASETS / "shoes" / "test"
    counts: dict[str, int] = defaultdict(int)
    for path in train_dir.rglob("*.jpg"):
        counts[path.parent.name] += 1
    print(
        f"{args.set}: {sum(counts.values())} TRAIN photos in {len(counts)} labels, "
        f"TEST {sum(1 for _ in test_dir.rglob('*.jpg'))} photos; {os.cpu_count()} cores"
    )

    rows = []
    with temp_dir("bench-train-") as data_dir, bench_context(data_dir / "data") as ctx:
        projects.create_project(ctx, PROJECT)
        _import(ctx, "train", train_dir)
        _import(ctx, "test", test_dir)
        seconds, accuracy, macro_f1, config = _train(ctx, {})
        rows.append(("default (train)", f"{seconds:.1f}", f"{accuracy:.3f}", f"{macro_f1:.3f}"))
        print(f"default config: {config}")
        seconds, accuracy, macro_f1, _ = _train(ctx, {"fine_tune": False})
        rows.append(("(a) linear probe", f"{seconds:.1f}", f"{accuracy:.3f}", f"{macro_f1:.3f}"))
    if not args.skip_full:
        backbone, size = config["backbone"], config["image_size"]
        seconds, accuracy, macro_f1 = _full_fine_tune(
            train_dir, test_dir, args.full_epochs, backbone, size
        )
        name = f"(b) full fine-tune, {backbone} {size} px, {args.full_epochs} epochs"
        rows.append((name, f"{seconds:.1f}", f"{accuracy:.3f}", f"{macro_f1:.3f}"))
    print_table(["model", "seconds", "accuracy", "macro-F1"], rows)


if __name__ == "__main__":
    main()
