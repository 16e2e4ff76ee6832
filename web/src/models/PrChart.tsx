import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { labelColor } from "./colors";
import { pct } from "./format";
import { prCurve, type CurvePoint } from "./metrics";
import type { TestResults } from "./types";

const SIZE = { width: 260, height: 200 };

/** The point of the curve that a threshold gives: the figures at a threshold are those at
 * the lowest score that reaches it (points run from the highest threshold down). */
function pointAt(points: CurvePoint[], threshold: number): number {
  let at = -1;
  points.forEach((p, i) => {
    if (p.threshold >= threshold) at = i;
  });
  return at;
}

/** One label's precision-recall curve (uPlot, canvas), with the chosen threshold marked. */
function LabelCurve({ results, index, threshold }: { results: TestResults; index: number; threshold: number }) {
  const target = useRef<HTMLDivElement>(null);
  const points = useMemo(() => prCurve(results, index), [results, index]);
  const marked = pointAt(points, threshold);
  useEffect(() => {
    if (!target.current || points.length === 0) return;
    const color = labelColor(index);
    const options: uPlot.Options = {
      ...SIZE,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1.02] } },
      axes: [
        { label: "Recall", size: 36, values: (_u, v) => v.map((x) => `${Math.round(x * 100)}%`) },
        { label: "Precision", size: 48, values: (_u, v) => v.map((x) => `${Math.round(x * 100)}%`) },
      ],
      series: [
        {},
        { stroke: color, width: 2, points: { show: false } },
        { stroke: "#111827", fill: color, width: 0, paths: () => null, points: { show: true, size: 11, width: 2 } },
      ],
    };
    const data: uPlot.AlignedData = [
      points.map((p) => p.recall),
      points.map((p) => p.precision),
      points.map((p, i) => (i === marked ? p.precision : null)),
    ];
    const plot = new uPlot(options, data, target.current);
    return () => plot.destroy();
  }, [points, marked, index]);
  const label = results.label_names[index];
  return (
    <figure className="pr-curve" data-label={label}>
      <figcaption>
        <i className="swatch" style={{ background: labelColor(index) }} /> {label}
        <span className="muted small curve-point">
          {marked >= 0
            ? ` at ${threshold.toFixed(2)}: precision ${pct(points[marked].precision)} · recall ${pct(points[marked].recall)}`
            : ` nothing predicted at ${threshold.toFixed(2)}`}
        </span>
      </figcaption>
      {points.length ? <div ref={target} /> : <p className="muted small">No prediction of this label on the test images.</p>}
    </figure>
  );
}

/** Precision-recall curves of every label: how much precision each recall costs. */
export function PrCharts({ results, thresholds }: { results: TestResults; thresholds: number[] }) {
  return (
    <div className="card">
      <h2>Precision–recall curves</h2>
      <p className="muted small">Each point is one threshold; the dot is the threshold chosen above.</p>
      <div className="pr-curves">
        {results.label_names.map((name, i) => (
          <LabelCurve key={name} results={results} index={i} threshold={thresholds[i]} />
        ))}
      </div>
    </div>
  );
}
