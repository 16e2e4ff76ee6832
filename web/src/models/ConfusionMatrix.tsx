import { useMemo } from "react";
import { confusion } from "./metrics";
import type { TestResults } from "./types";

const CELL = 56;

/** Rows are true labels, columns predicted ones; a cell is the share of the row's test
 * images, darker when larger. Drawn as SVG so it scales with any number of labels. */
export function ConfusionMatrix({ results, thresholds }: { results: TestResults; thresholds: number[] }) {
  const names = results.label_names;
  const matrix = useMemo(() => confusion(results, thresholds), [results, thresholds]);
  const margin = Math.min(160, 14 + 7 * Math.max(...names.map((n) => n.length)));
  const size = names.length * CELL;
  const short = (n: string) => (n.length > 20 ? `${n.slice(0, 19)}…` : n);
  return (
    <div className="card confusion">
      <h2>Confusion matrix</h2>
      <p className="muted small">
        {results.task === "CLASSIFICATION"
          ? "The top prediction of each test image, by its true label."
          : "The labels predicted at the thresholds above, by true label."}
      </p>
      <svg width={margin + size + 10} height={margin + size + 30} role="img" aria-label="Confusion matrix" data-testid="confusion-matrix">
        <text x={margin + size / 2} y={12} textAnchor="middle" className="axis-title">predicted</text>
        <text transform={`translate(12 ${margin + 20 + size / 2}) rotate(-90)`} textAnchor="middle" className="axis-title">true</text>
        {names.map((n, j) => (
          <text key={`c${n}`} transform={`translate(${margin + j * CELL + CELL / 2} ${margin + 14}) rotate(-45)`} className="tick">{short(n)}</text>
        ))}
        {matrix.map((row, i) => (
          <g key={names[i]} transform={`translate(0 ${margin + 20 + i * CELL})`}>
            <text x={margin - 6} y={CELL / 2 + 4} textAnchor="end" className="tick">{short(names[i])}</text>
            {row.map((v, j) => (
              <g key={names[j]} data-cell={`${names[i]}→${names[j]}`}>
                <rect x={margin + j * CELL} width={CELL - 2} height={CELL - 2}
                  fill={i === j ? `rgba(22, 163, 74, ${0.1 + 0.9 * v})` : `rgba(220, 38, 38, ${0.06 + 0.9 * v})`} />
                <text x={margin + j * CELL + CELL / 2 - 1} y={CELL / 2 + 4} textAnchor="middle"
                  className={v > 0.55 ? "cell light" : "cell"}>{Math.round(v * 100)}%</text>
              </g>
            ))}
          </g>
        ))}
      </svg>
    </div>
  );
}
