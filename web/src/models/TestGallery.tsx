import { useState } from "react";
import { OUTCOME_COLORS } from "./colors";
import type { ImageOutcome } from "./metrics";
import { TestTile } from "./TestTile";
import type { TestResults } from "./types";

type Show = "all" | "tp" | "fp" | "fn";
const CHOICES: [Show, string][] = [
  ["all", "All"],
  ["tp", "True positives"],
  ["fp", "False positives"],
  ["fn", "False negatives"],
];
const PAGE = 120;

/** The test images at the chosen thresholds, filtered by what the model got right or wrong. */
export function TestGallery({ results, outcomes }: { results: TestResults; outcomes: ImageOutcome[] }) {
  const [show, setShow] = useState<Show>("all");
  const [limit, setLimit] = useState(PAGE);
  const has = (o: ImageOutcome, s: Show) => s === "all" || o[s] > 0;
  const shown = results.images.map((image, i) => ({ image, i, o: outcomes[i] })).filter(({ o }) => has(o, show));
  return (
    <div className="card test-gallery">
      <div className="panel-head">
        <h2>Test images</h2>
        <span className="muted small" data-testid="test-gallery-count">
          {shown.length} of {results.images.length} images
        </span>
      </div>
      <div className="tabs" role="tablist" aria-label="Show test images">
        {CHOICES.map(([value, text]) => (
          <button key={value} role="tab" aria-selected={show === value} className={`tab${show === value ? " active" : ""}`}
            onClick={() => { setShow(value); setLimit(PAGE); }}>
            {value !== "all" && <i className="dot" style={{ background: OUTCOME_COLORS[value] }} />}
            {text} ({outcomes.filter((o) => has(o, value)).length})
          </button>
        ))}
      </div>
      <p className="muted small legend">
        Predicted boxes and labels: <b style={{ color: OUTCOME_COLORS.tp }}>green</b> right,{" "}
        <b style={{ color: OUTCOME_COLORS.fp }}>red</b> wrong; true ones the model missed:{" "}
        <b style={{ color: OUTCOME_COLORS.fn }}>amber</b>; other true boxes dashed white.
      </p>
      <div className="test-grid">
        {shown.slice(0, limit).map(({ image, i, o }) => (
          <TestTile key={i} image={image} outcome={o} />
        ))}
      </div>
      {shown.length === 0 && <p className="empty">No test image has any at these thresholds.</p>}
      {shown.length > limit && <button onClick={() => setLimit((l) => l + PAGE)}>Show {Math.min(PAGE, shown.length - limit)} more</button>}
    </div>
  );
}
