import { memo, useEffect, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { EBox } from "./model";

interface Props {
  boxes: EBox[];
  selected: string | null;
  colors: ReadonlyMap<string, string>;
  onSelect: (key: string) => void;
  onDelete: (key: string) => void;
}

const ROW = 28;

/**
 * The boxes of the image as a list: virtualised, and rows are plain text (the selected box's
 * label is changed above the list), so a thousand boxes stay quick.
 */
export const BoxList = memo(function BoxList({ boxes, selected, colors, onSelect, onDelete }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: boxes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 6 });
  const selectedIndex = selected ? boxes.findIndex((b) => b.key === selected) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);
  if (!boxes.length) return <p className="muted small">No boxes yet.</p>;
  return (
    <div className="box-list" ref={scroller} aria-label="Boxes" style={{ height: Math.min(boxes.length * ROW + 2, 320) }}>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((row) => {
          const b = boxes[row.index];
          return (
            <div key={b.key} className={`box-row${b.key === selected ? " selected" : ""}`} data-box-row={row.index}
              style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${row.start}px)` }}
              onClick={() => onSelect(b.key)}>
              <i className="swatch" style={{ background: colors.get(b.label) }} />
              <span className="box-label">{b.label}</span>
              <span className="muted small">{Math.round(b.width)}×{Math.round(b.height)}</span>
              <button className="small" aria-label={`Delete box ${row.index + 1}`} title="Delete this box"
                onClick={(e) => { e.stopPropagation(); onDelete(b.key); }}>✕</button>
            </div>
          );
        })}
      </div>
    </div>
  );
});
