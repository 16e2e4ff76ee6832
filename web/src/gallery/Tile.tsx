import { memo } from "react";
import { thumbnailUrl } from "../api/client";
import type { Entry } from "../api/types";

interface Props {
  entry: Entry;
  index: number;
  size: number;
  selected: boolean;
  focused: boolean;
  showBoxes: boolean;
  colors: ReadonlyMap<string, string>;
  onClick: (index: number, e: React.MouseEvent) => void;
  onOpen: (index: number) => void;
}

export function fileName(ref: string): string {
  return decodeURIComponent(ref.split("/").pop() || ref);
}

/** One image of the gallery: upright thumbnail (never cropped), labels, box count, errors. */
export const Tile = memo(function Tile({ entry, index, size, selected, focused, showBoxes, colors, onClick, onOpen }: Props) {
  const a = entry.asset;
  const shown = entry.labels.slice(0, 3);
  return (
    <div
      className={`tile${selected ? " selected" : ""}${focused ? " focused" : ""}`}
      style={{ width: size }}
      data-entry-id={entry.id}
      data-index={index}
      aria-selected={selected}
      role="gridcell"
      title={entry.source_ref}
      onClick={(e) => onClick(index, e)}
      onDoubleClick={() => onOpen(index)}
    >
      <div className="thumb" style={{ width: size, height: size }}>
        {a ? (
          <img src={thumbnailUrl(a.sha256)} alt={fileName(entry.source_ref)} loading="lazy" decoding="async" draggable={false} />
        ) : (
          <div className="no-image">no image</div>
        )}
        {a && showBoxes && entry.boxes.length > 0 && (
          <svg className="thumb-boxes" viewBox={`0 0 ${a.width} ${a.height}`} preserveAspectRatio="xMidYMid meet">
            {entry.boxes.map((b, i) => (
              <rect key={i} x={b.left} y={b.top} width={b.width} height={b.height}
                stroke={colors.get(b.label) ?? "#ff0"} vectorEffect="non-scaling-stroke" />
            ))}
          </svg>
        )}
        {entry.has_errors && (
          <span className="error-marker" title={entry.issues.map((i) => `${i.code}: ${i.message}`).join("\n")}>
            ⚠ error
          </span>
        )}
        {entry.has_predictions && <span className="predicted-marker" title="A model predicted labels here; nobody reviewed them yet">predicted</span>}
        {selected && <span className="check-marker">✓</span>}
      </div>
      <div className="tile-meta">
        <div className="chips">
          {shown.map((l) => (
            <span key={l} className={`chip${entry.predicted_labels?.[l] !== undefined ? " predicted" : ""}`} style={{ borderColor: colors.get(l) }}
              title={entry.predicted_labels?.[l] !== undefined ? `predicted ${entry.predicted_labels[l].toFixed(0)}%, not reviewed` : undefined}>
              <i style={{ background: colors.get(l) }} />
              {l}
            </span>
          ))}
          {entry.labels.length > shown.length && <span className="chip more">+{entry.labels.length - shown.length}</span>}
          {!entry.labels.length && !entry.boxes.length && <span className="muted small">unlabelled</span>}
        </div>
        {entry.boxes.length > 0 && <span className="box-count" title="bounding boxes">▭ {entry.boxes.length}</span>}
      </div>
    </div>
  );
});
