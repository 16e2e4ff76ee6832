"""Benchmark: object detection quality and time on raccoons, and detect latency.

    .venv/bin/python bench/detect.py [--part latency|raccoon|all] [--long-factor 4]

Photos come from the shared datasets folder (``CUSTOMLABELS_TEST_DATASETS``, by default
``shared/datasets`` beside the checkout).

- ``latency``: one classification model and one detection model at their default inputs,
  each trained briefly, since latency does not depend on how well a network learnt; then
  p50/p95 of detecting ONE image through torch, through the model's own ONNX Runtime session
  (what ``Model.predict`` takes for big calls, and for every call once it exists) and
  through the exported file, and the throughput of 1,000 images in batches through each
  engine.
- ``pasted``: the same comparison on a set of many small objects per picture, real object
  crops pasted onto real photos (``_pasted.py`` says how).
- ``raccoon``: the 200 raccoon photos with their VOC boxes in a FIXED split (raccoon-1 to
  raccoon-160 train, raccoon-161 to raccoon-200 test), imported with the VOC importer into a
  fresh data dir; the default training, timed from request to TRAINING_COMPLETED with its
  evaluation, against the same model trained ``--long-factor`` times as many epochs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from _common import (
    DATASETS,
    OUT_DIR,
    bench_context,
    percentile,
    print_table,
    temp_dir,
    train_version,
)

from customlabels.services import projects, runner
from customlabels.services.imports.start import start_dataset_create
from customlabels.training import Box, Model, Sample, Task, TrainConfig, export_onnx, train

RACCOON = DATASETS / "raccoon"
PROJECT = "detect"
TRAIN_COUNT = 160
PASTED_TRAIN, PASTED_TEST = 120, 30


def _number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])


def _voc_tree(part: str, numbers: range) -> Path:
    """A Pascal VOC folder (Annotations/, JPEGImages/) of the raccoons numbered ``numbers``."""
    root = OUT_DIR / f"raccoon-voc-{part}"
    if (root / "Annotations").is_dir():
        return root
    (root / "Annotations").mkdir(parents=True)
    (root / "JPEGImages").mkdir()
    for xml in (RACCOON / "annotations").glob("*.xml"):
        if _number(xml) in numbers:
            shutil.copy(xml, root / "Annotations" / xml.name)
            shutil.copy(RACCOON / "images" / f"{xml.stem}.jpg", root / "JPEGImages")
    return root


def _raccoon(long_factor: int, epochs: int | None) -> None:
    train_tree = _voc_tree("train", range(1, TRAIN_COUNT + 1))
    test_tree = _voc_tree("test", range(TRAIN_COUNT + 1, 201))
    title = f"raccoon: {TRAIN_COUNT} train / {200 - TRAIN_COUNT} test photos"
    _compare(title, train_tree, test_tree, long_factor, epochs)


def _pasted(long_factor: int, epochs: int | None) -> None:
    from _pasted import build

    train_tree = build(DATASETS, OUT_DIR, "train", PASTED_TRAIN, seed=1)
    test_tree = build(DATASETS, OUT_DIR, "test", PASTED_TEST, seed=2)
    title = (
        f"pasted small objects (raccoon and shoe crops on clothing photos): {PASTED_TRAIN} "
        f"train / {PASTED_TEST} test pictures of 480x360, 6-12 objects of 20-56 px each"
    )
    _compare(title, train_tree, test_tree, long_factor, epochs)


def _compare(
    title: str, train_tree: Path, test_tree: Path, long_factor: int, epochs: int | None
) -> None:
    """The default training against one ``long_factor`` times as long, on two VOC trees."""
    rows = []
    with temp_dir("bench-detect-") as data_dir, bench_context(data_dir / "data") as ctx:
        projects.create_project(ctx, PROJECT)
        for type_name, tree in (("train", train_tree), ("test", test_tree)):
            job = runner.run_job(
                ctx,
                start_dataset_create(ctx, PROJECT, type_name, {"kind": "voc", "path": str(tree)}),
            )
            assert job.status == "SUCCEEDED", job.message
        default_epochs = epochs or TrainConfig().resolved(Task.DETECTION).epochs or 0
        short: dict[str, int] = {"epochs": epochs} if epochs else {}
        for label, config in (
            ("default" if epochs is None else "short", short),
            (f"{long_factor}x epochs", {"epochs": default_epochs * long_factor}),
        ):
            seconds, done = train_version(ctx, PROJECT, config)
            summary = done.evaluation or {}
            trained, size = done.config.get("epochs"), done.config.get("image_size")
            rows.append(
                (
                    f"{label} ({trained} epochs, {size} px)",
                    f"{seconds:.0f}",
                    f"{summary.get('MeanAveragePrecision50', 0):.3f}",
                    f"{summary.get('MeanAveragePrecision50to95', 0):.3f}",
                    f"{summary.get('AggregatedEvaluationResults', {}).get('F1Score', 0):.3f}",
                )
            )
    print(f"{title}; {os.cpu_count()} cores")
    print_table(["training", "seconds", "mAP@0.5", "mAP@[.5:.95]", "F1"], rows)


def _quick_model(task: Task) -> tuple[Model, list[Path]]:
    """A model of the default input size trained for one short epoch, and photos to run."""
    if task == Task.DETECTION:
        from customlabels.formats.voc import read_voc

        # VOC boxes are pixels of the stated image size; none of these photos is rotated.
        records = list(read_voc(_voc_tree("latency", range(1, 13))))
        samples = [
            Sample(
                Path(r.local_path or ""),
                boxes=tuple(Box(0, b.left, b.top, b.width, b.height) for b in r.boxes),
            )
            for r in records
        ]
        photos = [Path(r.local_path or "") for r in records]
        config = TrainConfig(epochs=1, fine_tune=False)
        return train(task, ["raccoon"], samples, config), photos
    shoes = DATASETS / "shoes" / "train"
    samples = [
        Sample(p, labels=(i,))
        for i, label in enumerate(("canvasshoes", "chunkysneakers"))
        for p in sorted((shoes / label).glob("*.jpg"))[:10]
    ]
    config = TrainConfig(epochs=1, fine_tune=False)
    model = train(task, ["canvasshoes", "chunkysneakers"], samples, config)
    return model, sorted(shoes.rglob("*.jpg"))


def _latency() -> None:
    from customlabels.training.onnx_runtime import OnnxModel

    rows = []
    for task in (Task.CLASSIFICATION, Task.DETECTION):
        model, photos = _quick_model(task)
        with tempfile.TemporaryDirectory() as out:
            export_onnx(model, Path(out))
            onnx = OnnxModel(Path(out))
            engines = (
                ("torch", partial(model.predict, engine="torch")),
                ("onnxruntime, own session", partial(model.predict, engine="onnxruntime")),
                ("onnxruntime, the exported file", onnx.predict),
            )
            for runtime, predict in engines:
                predict(photos[:2])  # warm-up: allocators, kernels chosen
                samples = []
                for i in range(40):
                    start = time.perf_counter()
                    predict([photos[i % len(photos)]])
                    samples.append(time.perf_counter() - start)
                rows.append(
                    (
                        f"{task.value} ({model.input_size} px), {runtime}",
                        f"{percentile(samples, 50) * 1000:.1f}",
                        f"{percentile(samples, 95) * 1000:.1f}",
                    )
                )
        many = [photos[i % len(photos)] for i in range(1000)]
        for engine in ("torch", "onnxruntime"):
            start = time.perf_counter()
            model.predict(many, engine=engine)
            seconds = time.perf_counter() - start
            rows.append(
                (f"{task.value}, {engine}, 1,000 images", f"{1000 / seconds:.1f} img/s", "")
            )
    print(f"detect latency on {os.cpu_count()} cores (one image a call, decode included)")
    print_table(["model", "p50 ms", "p95 ms"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["latency", "raccoon", "pasted", "all"], default="all")
    parser.add_argument("--long-factor", type=int, default=4)
    parser.add_argument(
        "--epochs", type=int, default=None, help="instead of the default (a quick check)"
    )
    args = parser.parse_args()
    if not DATASETS.is_dir():
        sys.exit(f"no photos at {DATASETS}: set CUSTOMLABELS_TEST_DATASETS")
    if args.part in ("latency", "all"):
        _latency()
    if args.part in ("raccoon", "all"):
        _raccoon(args.long_factor, args.epochs)
    if args.part in ("pasted", "all"):
        _pasted(args.long_factor, args.epochs)


if __name__ == "__main__":
    main()
