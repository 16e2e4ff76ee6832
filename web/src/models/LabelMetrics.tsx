import { labelColor } from "./colors";
import { pct } from "./format";
import type { TestResults } from "./types";
import type { ThresholdState } from "./useThresholds";

/** Per label: its threshold on a slider and the precision, recall and F1 it gives. */
export function LabelMetrics({ results, state }: { results: TestResults; state: ThresholdState }) {
  return (
    <div className="card label-metrics">
      <div className="panel-head">
        <h2>Per-label performance</h2>
        {state.changed && <button className="small" onClick={state.reset}>Reset to assumed thresholds</button>}
      </div>
      <p className="muted small">
        Move a label's threshold to see what its predictions would give: figures are recomputed from the scores the
        model gave each test image.
      </p>
      <table className="table compact">
        <thead>
          <tr>
            <th>Label</th>
            <th>Test images</th>
            <th>Threshold</th>
            <th>Precision</th>
            <th>Recall</th>
            <th>F1 score</th>
            <th title="true positives / false positives / false negatives">TP / FP / FN</th>
          </tr>
        </thead>
        <tbody>
          {state.perLabel.map((f, i) => (
            <tr key={f.label} data-label={f.label}>
              <td><i className="swatch" style={{ background: labelColor(i) }} /> {f.label}</td>
              <td className="figure">{f.images}</td>
              <td className="threshold-cell">
                <input type="range" min={0} max={1} step={0.01} value={state.thresholds[i]}
                  aria-label={`Threshold for ${f.label}`}
                  onChange={(e) => state.setOne(i, Number(e.target.value))} />
                <span className="figure" data-column="threshold">{state.thresholds[i].toFixed(2)}</span>
                {state.thresholds[i] !== results.thresholds[i] && (
                  <span className="muted small" title="The threshold the training chose"> (assumed {results.thresholds[i].toFixed(2)})</span>
                )}
              </td>
              <td className="figure" data-column="precision">{pct(f.precision)}</td>
              <td className="figure" data-column="recall">{pct(f.recall)}</td>
              <td className="figure" data-column="f1">{pct(f.f1)}</td>
              <td className="figure" data-column="counts">{f.tp} / {f.fp} / {f.fn}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-label="overall">
            <th colSpan={3}>Overall (mean over the labels in the test images)</th>
            <td className="figure" data-column="precision">{pct(state.total.precision)}</td>
            <td className="figure" data-column="recall">{pct(state.total.recall)}</td>
            <td className="figure" data-column="f1">{pct(state.total.f1)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
