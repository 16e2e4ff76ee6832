import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface BarSeries {
  name: string;
  color: string;
  values: number[];
}

interface Props {
  categories: string[];
  /** One series centred on each category, or two: the first left of it, the second right. */
  series: BarSeries[];
  /** Indexes of categories to highlight behind their bars (flagged labels). */
  highlighted?: Set<number>;
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
}

const HIGHLIGHT = "rgba(220, 38, 38, 0.12)";
const MAX_TICK_CHARS = 13;

function shortName(name: string): string {
  return name.length > MAX_TICK_CHARS ? `${name.slice(0, MAX_TICK_CHARS - 1)}…` : name;
}

/** Bars per category (uPlot's bars path builder, canvas); with two series the first is aligned
 * to the left of the category's tick and the second to its right, so each pair sits side by side. */
export function GroupedBars({ categories, series, highlighted, width, height, xLabel, yLabel }: Props) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current || categories.length === 0) return;
    const indexes = categories.map((_, i) => i);
    const top = Math.max(1, ...series.flatMap((s) => s.values));
    const paired = series.length > 1;
    const bars = (align: -1 | 0 | 1) => uPlot.paths.bars!({ align, size: [paired ? 0.4 : 0.6, 48], gap: 1 });
    const options: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [-0.5, categories.length - 0.5] },
        y: { range: [0, Math.ceil(top * 1.1)] },
      },
      axes: [
        {
          label: xLabel,
          size: 40,
          splits: () => indexes,
          values: (_u, ticks) => ticks.map((i) => (highlighted?.has(i) ? "⚠ " : "") + shortName(categories[i] ?? "")),
          grid: { show: false },
        },
        {
          label: yLabel,
          size: 46,
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 1e5, 1e6, 1e7],
          values: (_u, ticks) => ticks.map((v) => v.toLocaleString()),
        },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.name,
          fill: s.color,
          stroke: s.color,
          width: 0,
          paths: bars(paired ? (i === 0 ? -1 : 1) : 0),
          points: { show: false },
        })),
      ],
      hooks: {
        // Behind the bars: a band over each highlighted category.
        drawClear: [
          (u) => {
            if (!highlighted?.size) return;
            const { ctx, bbox } = u;
            ctx.save();
            ctx.fillStyle = HIGHLIGHT;
            for (const i of highlighted) {
              const left = u.valToPos(i - 0.5, "x", true);
              const right = u.valToPos(i + 0.5, "x", true);
              ctx.fillRect(left, bbox.top, right - left, bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
    const data: uPlot.AlignedData = [indexes, ...series.map((s) => s.values)];
    const plot = new uPlot(options, data, target.current);
    return () => plot.destroy();
  }, [categories, series, highlighted, width, height, xLabel, yLabel]);
  return <div ref={target} className="grouped-bars" />;
}
