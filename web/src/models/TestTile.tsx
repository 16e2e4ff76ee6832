import { thumbnailUrl } from "../api/client";
import { fileName } from "../gallery/Tile";
import { OUTCOME_COLORS, OUTCOME_WORDS } from "./colors";
import type { ImageOutcome, Marked } from "./metrics";
import type { TestImage } from "./types";

const SIZE = 190;
// Chips past this many make a tile tall; misses and mistakes come first, as they matter more.
const MAX_CHIPS = 6;
const ORDER = { fn: 0, fp: 1, tp: 2, below: 3 } as const;

function confidence(m: Marked): string {
  return m.item.confidence === null ? "" : ` ${Math.round(m.item.confidence * 100)}%`;
}

/** Boxes over the thumbnail: predictions solid (green right, red wrong), true boxes dashed
 * (white when found, amber when missed). */
function Boxes({ image, outcome }: { image: TestImage; outcome: ImageOutcome }) {
  const { width: w, height: h } = image;
  const found = outcome.marks.filter((m) => m.kind === "fn").map((m) => m.item);
  return (
    <svg className="thumb-boxes" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="xMidYMid meet">
      {image.true_boxes.filter((b) => b.box && !found.includes(b)).map((b, i) => (
        <rect key={`t${i}`} data-box="true" x={b.box!.left * w} y={b.box!.top * h} width={b.box!.width * w} height={b.box!.height * h}
          stroke="#fff" strokeDasharray="4 3" vectorEffect="non-scaling-stroke" />
      ))}
      {outcome.marks.filter((m) => m.item.box && m.kind !== "below").map((m, i) => (
        <rect key={`m${i}`} data-box={m.kind} x={m.item.box!.left * w} y={m.item.box!.top * h}
          width={m.item.box!.width * w} height={m.item.box!.height * h}
          stroke={OUTCOME_COLORS[m.kind]} strokeDasharray={m.kind === "fn" ? "4 3" : undefined} vectorEffect="non-scaling-stroke">
          <title>{`${m.item.label}${confidence(m)}: ${OUTCOME_WORDS[m.kind]}`}</title>
        </rect>
      ))}
    </svg>
  );
}

/** One test image: the thumbnail with boxes, and each label said or missed, coloured by outcome. */
export function TestTile({ image, outcome }: { image: TestImage; outcome: ImageOutcome }) {
  const name = image.source_ref ? fileName(image.source_ref) : image.sha256.slice(0, 12);
  const said = outcome.marks.filter((m) => m.kind !== "below").sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  return (
    <div className="tile test-tile" style={{ width: SIZE }} title={image.source_ref ?? image.sha256} data-test-image={name}
      data-tp={outcome.tp} data-fp={outcome.fp} data-fn={outcome.fn}>
      <div className="thumb" style={{ width: SIZE, height: SIZE }}>
        <img src={thumbnailUrl(image.sha256)} alt={name} loading="lazy" decoding="async" />
        <Boxes image={image} outcome={outcome} />
      </div>
      <div className="test-meta">
        <div className="test-name">{name}</div>
        <div className="chips wrap">
          {said.slice(0, MAX_CHIPS).map((m, i) => (
            <span key={i} className="chip" style={{ borderColor: OUTCOME_COLORS[m.kind] }} title={OUTCOME_WORDS[m.kind]} data-outcome={m.kind}>
              <i style={{ background: OUTCOME_COLORS[m.kind] }} />
              {m.item.label}{confidence(m)}
            </span>
          ))}
          {said.length > MAX_CHIPS && <span className="chip more" title={said.slice(MAX_CHIPS).map((m) => `${m.item.label}${confidence(m)}`).join(", ")}>+{said.length - MAX_CHIPS}</span>}
          {said.length === 0 && <span className="muted small">nothing predicted, nothing true</span>}
        </div>
      </div>
    </div>
  );
}
