import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Entry } from "../api/types";
import { Tile } from "./Tile";
import type { Selection } from "./useSelection";

interface Props {
  items: Entry[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  size: number;
  showBoxes: boolean;
  selection: Selection;
  colors: ReadonlyMap<string, string>;
  onTileClick: (index: number, e: React.MouseEvent) => void;
  onOpen: (index: number) => void;
}

export interface GridHandle {
  columns: number;
  scrollToIndex: (index: number) => void;
}

const GAP = 10;
const META = 40; // the labels line under each thumbnail

/**
 * Only the rows on screen exist in the DOM (TanStack Virtual); the next cursor page is
 * fetched as the last loaded row comes near, so a million entries never load at once.
 */
export const GalleryGrid = forwardRef<GridHandle, Props>(function GalleryGrid(props, ref) {
  const { items, hasMore, loadingMore, loadMore, size, selection } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);
  const columns = Math.max(1, Math.floor((width - GAP) / (size + GAP)));
  const rows = Math.ceil(items.length / columns);
  const rowHeight = size + META + GAP;
  const virtualizer = useVirtualizer({
    count: rows + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 3,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.length ? virtualRows[virtualRows.length - 1].index : 0;
  useEffect(() => {
    if (hasMore && !loadingMore && lastRow >= rows - 4) loadMore();
  }, [lastRow, rows, hasMore, loadingMore, loadMore]);

  useImperativeHandle(ref, () => ({
    columns,
    scrollToIndex: (index: number) => virtualizer.scrollToIndex(Math.floor(index / columns), { align: "auto" }),
  }), [columns, virtualizer]);

  return (
    <div className="grid-scroller" ref={scroller} role="grid" aria-label="Images" aria-rowcount={rows}>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualRows.map((row) => {
          const start = row.index * columns;
          const slice = items.slice(start, start + columns);
          return (
            <div key={row.key} className="grid-row" role="row"
              style={{ position: "absolute", top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${row.start}px)`, gap: GAP, padding: `0 ${GAP / 2}px` }}>
              {slice.length === 0 ? (
                <div className="muted loading-row">Loading more images…</div>
              ) : (
                slice.map((entry, i) => (
                  <Tile key={entry.id} entry={entry} index={start + i} size={size}
                    selected={selection.all || selection.ids.has(entry.id)}
                    focused={selection.cursor === start + i}
                    showBoxes={props.showBoxes} colors={props.colors}
                    onClick={props.onTileClick} onOpen={props.onOpen} />
                ))
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
});
