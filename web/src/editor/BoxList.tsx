import { memo, useEffect, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { EBox } from "./model";

interface Props {
  boxes: EBox[];
  selected: string | null;
  labels: string[];
  colors: ReadonlyMap<string, string>;
  onSelect: (key: string) => void;
  onLabel: (key: string, label: string) => void;
  onDelete: (key: string) => void;
}

const ROW = 30;

/** The boxes of the image as a list (virtualised: a thousand boxes stay quick). */
export const BoxList = memo(function BoxList({ boxes, selected, labels, colors, onSelect, onLabel, onDelete }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: boxes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 8 });
  const selectedIndex = boxes.findIndex((b) => b.key === selected);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);
  if (!boxes.length) return <p className="muted small">No boxes. Drag on the image to draw one.</p>;
  return (
    <div className="box-list" ref={scroller} aria-label="Boxes">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((row) => {
          const b = boxes[row.index];
          return (
            <div key={b.key} className={`box-row${b.key === selected ? " selected" : ""}`} data-box-row={row.index}
              style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${row.start}px)` }}
              onClick={() => onSelect(b.key)}>
              <i className="swatch" style={{ background: colors.get(b.label) }} />
              <select value={b.label} aria-label={`Label of box ${row.index + 1}`} onClick={(e) => e.stopPropagation()}
                onChange={(e) => onLabel(b.key, e.target.value)}>
                {(labels.includes(b.label) ? labels : [b.label, ...labels]).map((l) => <option key={l}>{l}</option>)}
              </select>
              <span className="muted small">{Math.round(b.width)}×{Math.round(b.height)}</span>
              <button className="small" aria-label={`Delete box ${row.index + 1}`} onClick={(e) => { e.stopPropagation(); onDelete(b.key); }}>✕</button>
            </div>
          );
        })}
      </div>
    </div>
  );
});
