import { useMemo } from "react";
import type { DatasetOverview } from "../api/types";
import { GroupedBars, type BarSeries } from "./GroupedBars";
import type { Bucket, LabelHealth, ProjectHealth } from "./types";
import { useHealth } from "./useHealth";
import "./health.css";

const TRAIN_COLOR = "#2563eb";
const TEST_COLOR = "#f59e0b";
// Wide enough for a tick of 13 characters (longer label names are shortened on the axis).
const PER_LABEL_PX = 110;
const PER_BUCKET_PX = 96;

/** TRAIN beside TEST; TRAIN alone (centred) while the project has no TEST dataset. */
function pair(train: number[], test: number[], hasTest: boolean): BarSeries[] {
  const trainSeries = { name: "TRAIN", color: TRAIN_COLOR, values: train };
  return hasTest ? [trainSeries, { name: "TEST", color: TEST_COLOR, values: test }] : [trainSeries];
}

function Legend({ hasTest }: { hasTest: boolean }) {
  return (
    <span className="health-legend small">
      <i className="swatch" style={{ background: TRAIN_COLOR }} /> TRAIN
      {hasTest && (
        <>
          <i className="swatch" style={{ background: TEST_COLOR }} /> TEST
        </>
      )}
    </span>
  );
}

/** Images (and boxes) per label, TRAIN beside TEST, flagged labels banded in red. */
function LabelCharts({ health }: { health: ProjectHealth }) {
  const { labels } = health;
  const names = useMemo(() => labels.map((l) => l.name), [labels]);
  const flagged = useMemo(() => new Set(labels.flatMap((l, i) => (l.flag ? [i] : []))), [labels]);
  const hasTest = health.has_test;
  const images = useMemo(() => pair(labels.map((l) => l.train.images), labels.map((l) => l.test.images), hasTest), [labels, hasTest]);
  const boxes = useMemo(() => pair(labels.map((l) => l.train.boxes), labels.map((l) => l.test.boxes), hasTest), [labels, hasTest]);
  const width = Math.max(360, 110 + labels.length * PER_LABEL_PX);
  const detection = health.task === "OBJECT_DETECTION";
  return (
    <div className="health-labels">
      <figure data-testid="health-images-chart">
        <figcaption>{detection ? "Images with a box of each label" : "Images per label"}</figcaption>
        <div className="health-scroll">
          <GroupedBars categories={names} series={images} highlighted={flagged} width={width} height={220} xLabel="Label" yLabel="Images" />
        </div>
      </figure>
      {detection && (
        <figure data-testid="health-boxes-chart">
          <figcaption>Boxes per label</figcaption>
          <div className="health-scroll">
            <GroupedBars categories={names} series={boxes} highlighted={flagged} width={width} height={220} xLabel="Label" yLabel="Boxes" />
          </div>
        </figure>
      )}
    </div>
  );
}

function Flags({ labels }: { labels: LabelHealth[] }) {
  const flagged = labels.filter((l) => l.flag);
  if (!flagged.length) return <p className="muted small" data-testid="health-no-flags">Every label has enough images for training.</p>;
  return (
    <ul className="health-flags" data-testid="health-flags">
      {flagged.map((l) => (
        <li key={l.name} data-label={l.name} data-code={l.flag!.code} className={l.flag!.blocks_training ? "blocks" : "warns"}>
          <strong>⚠ {l.name}</strong>
          <span className="small">{l.flag!.blocks_training ? " — stops training: " : " — "}{l.flag!.message}</span>
        </li>
      ))}
    </ul>
  );
}

interface HistogramProps {
  title: string;
  buckets: Bucket[];
  hasTest: boolean;
  xLabel: string;
  testid: string;
}

function Histogram({ title, buckets, hasTest, xLabel, testid }: HistogramProps) {
  const names = useMemo(() => buckets.map((b) => b.name), [buckets]);
  const series = useMemo(() => pair(buckets.map((b) => b.train), buckets.map((b) => b.test), hasTest), [buckets, hasTest]);
  return (
    <figure data-testid={`${testid}-chart`}>
      <figcaption>{title}</figcaption>
      <GroupedBars categories={names} series={series} width={Math.max(360, 110 + buckets.length * PER_BUCKET_PX)} height={180} xLabel={xLabel} yLabel="Images" />
      <table className="visually-hidden" data-testid={`${testid}-table`}>
        <caption>{title}</caption>
        <thead><tr><th>{xLabel}</th><th>TRAIN</th><th>TEST</th></tr></thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.name} data-bucket={b.name}>
              <th scope="row">{b.name}</th>
              <td data-stat="train">{b.train}</td>
              <td data-stat="test">{b.test}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** The figures of the label charts, for screen readers and tests. */
function LabelTable({ labels }: { labels: LabelHealth[] }) {
  return (
    <table className="visually-hidden" data-testid="health-label-table">
      <caption>Images and boxes per label</caption>
      <thead>
        <tr><th>Label</th><th>TRAIN images</th><th>TEST images</th><th>TRAIN boxes</th><th>TEST boxes</th><th>Flag</th></tr>
      </thead>
      <tbody>
        {labels.map((l) => (
          <tr key={l.name} data-label={l.name} data-flagged={l.flag ? "true" : "false"}>
            <th scope="row">{l.name}</th>
            <td data-stat="train-images">{l.train.images}</td>
            <td data-stat="test-images">{l.test.images}</td>
            <td data-stat="train-boxes">{l.train.boxes}</td>
            <td data-stat="test-boxes">{l.test.boxes}</td>
            <td data-stat="flag">{l.flag?.message ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The project page's "Dataset health": what Roboflow's health check shows, before training. */
export function HealthSection({ project, datasets, labelCount }: { project: string; datasets: DatasetOverview[]; labelCount: number }) {
  const health = useHealth(project, datasets, labelCount);
  if (!datasets.length) return null;
  const data = health.data;
  return (
    <section className="card health" data-testid="dataset-health" aria-labelledby="health-title">
      <div className="health-head">
        <h2 id="health-title">Dataset health</h2>
        <Legend hasTest={!!data?.has_test} />
      </div>
      {health.isLoading && <p className="muted">Loading…</p>}
      {health.isError && <p className="error">Could not read the dataset health.</p>}
      {data && (
        <>
          <p className="muted small">
            {data.task === "OBJECT_DETECTION" ? "Object detection (the project has boxes)" : "Image classification"}
            {data.has_test
              ? " · TEST is its own dataset."
              : ` · No TEST dataset: training holds out 20% of TRAIN, so each label needs at least ${data.min_images_per_label} images.`}
          </p>
          {data.labels.length ? <LabelCharts health={data} /> : <p className="muted">No labels yet.</p>}
          <Flags labels={data.labels} />
          <LabelTable labels={data.labels} />
          <div className="health-histograms">
            <Histogram title="Image sizes (long side)" buckets={data.image_sizes} hasTest={data.has_test} xLabel="Long side" testid="health-sizes" />
            <Histogram title="Boxes per image" buckets={data.boxes_per_image} hasTest={data.has_test} xLabel="Boxes" testid="health-boxes-per-image" />
          </div>
        </>
      )}
    </section>
  );
}
