import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useDataset, useDatasetLabels, useEntryPages, useFilterCount } from "../api/hooks";
import { errorText } from "../api/client";
import { typingIn } from "../App";
import { ImageView } from "../editor/ImageView";
import { FilterPanel } from "../gallery/FilterPanel";
import { GalleryGrid, type GridHandle } from "../gallery/GalleryGrid";
import { PredictionsBar } from "../gallery/PredictionsBar";
import { SelectionBar } from "../gallery/SelectionBar";
import { useBulkLabels } from "../gallery/useBulkLabels";
import { selectedCount, useSelection } from "../gallery/useSelection";
import { LabelsPane } from "../labels/LabelsPane";
import { readFilter, writeFilter, type GalleryFilter } from "../lib/filters";

export function GalleryPage() {
  const { project = "", type = "train" } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => readFilter(params), [params]);
  const size = Number(params.get("size") ?? 180);
  const showBoxes = params.get("show_boxes") !== "0";
  const openId = params.get("entry") ? Number(params.get("entry")) : null;

  const dataset = useDataset(project, type);
  const labels = useDatasetLabels(project, type);
  const pages = useEntryPages(project, type, filter);
  const count = useFilterCount(project, type, filter);
  const items = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const colors = useMemo(() => new Map((labels.data ?? []).map((l) => [l.name, l.color])), [labels.data]);
  const { sel, click, moveTo, selectAll, clear, reset } = useSelection(items);
  const bulk = useBulkLabels(project, type, filter, items);
  const grid = useRef<GridHandle>(null);

  const filterKey = JSON.stringify(filter);
  useEffect(() => reset(), [filterKey, reset]);

  const setParam = useCallback(
    (key: string, value: string | null) =>
      setParams((p) => {
        const next = new URLSearchParams(p);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      }, { replace: key !== "entry" }),
    [setParams],
  );
  const setFilter = useCallback((f: GalleryFilter) => setParams((p) => writeFilter(p, f), { replace: true }), [setParams]);
  const open = useCallback((index: number) => items[index] && setParam("entry", String(items[index].id)), [items, setParam]);
  const onTileClick = useCallback(
    (index: number, e: React.MouseEvent) => click(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }),
    [click],
  );
  const loadMore = useCallback(() => void pages.fetchNextPage(), [pages]);
  const labelNames = (labels.data ?? []).map((l) => l.name);
  const nSelected = selectedCount(sel, count.data?.count);

  useLayoutEffect(() => {
    if (openId !== null) return; // the image view has the keyboard
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target) || document.querySelector("[role=dialog]")) return;
      const cols = grid.current?.columns ?? 1;
      const cur = sel.cursor ?? -1;
      const go = (i: number) => {
        e.preventDefault();
        const target = Math.max(0, Math.min(items.length - 1, i));
        moveTo(target, e.shiftKey);
        grid.current?.scrollToIndex(target);
        if (target >= items.length - cols * 2 && pages.hasNextPage) void pages.fetchNextPage();
      };
      if (e.key === "ArrowRight") go(cur + 1);
      else if (e.key === "ArrowLeft") go(cur - 1);
      else if (e.key === "ArrowDown") go(cur < 0 ? 0 : cur + cols);
      else if (e.key === "ArrowUp") go(cur - cols);
      else if (e.key === "Enter" && sel.cursor !== null) open(sel.cursor);
      else if (e.key === "Escape") clear();
      else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a") {
        e.preventDefault();
        selectAll();
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") {
        e.preventDefault();
        void bulk.undo();
      } else if (/^Digit[1-9]$/.test(e.code) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        const name = labelNames[Number(e.code.slice(5)) - 1];
        if (name) {
          e.preventDefault();
          void bulk.apply(sel, name, e.shiftKey ? "remove" : "toggle");
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (dataset.error) {
    return (
      <p className="error">
        {errorText(dataset.error)} <Link to={`/projects/${encodeURIComponent(project)}`}>Back to the project</Link>
      </p>
    );
  }
  const openIndex = openId === null ? -1 : items.findIndex((e) => e.id === openId);
  return (
    <div className={openId !== null ? "gallery-page editing" : "gallery-page"}>
      <FilterPanel filter={filter} labels={labels.data ?? []} total={dataset.data?.stats.total_entries} onChange={setFilter} />
      <section className="gallery-main">
        <SelectionBar
          matching={count.data?.count}
          loaded={items.length}
          selection={sel}
          selected={nSelected}
          onSelectAll={selectAll}
          onClear={clear}
          undoText={bulk.last?.text ?? null}
          onUndo={() => void bulk.undo()}
          size={size}
          onSize={(s) => setParam("size", String(s))}
          showBoxes={showBoxes}
          onShowBoxes={(v) => setParam("show_boxes", v ? null : "0")}
          errorsLink={dataset.data?.stats.error_entries ? `/projects/${encodeURIComponent(project)}/datasets/${type}/errors` : null}
        />
        <PredictionsBar project={project} type={type} filter={filter} matching={count.data?.count} />
        {pages.isLoading && <p className="muted">Loading images…</p>}
        {pages.error && <p className="error">{errorText(pages.error)}</p>}
        {pages.data && items.length === 0 && (
          <p className="empty">No images match this filter.</p>
        )}
        <GalleryGrid ref={grid} items={items} hasMore={!!pages.hasNextPage} loadingMore={pages.isFetchingNextPage}
          loadMore={loadMore} size={size} showBoxes={showBoxes} selection={sel} colors={colors}
          onTileClick={onTileClick} onOpen={open} />
      </section>
      <LabelsPane project={project} labels={labels.data ?? []} selectedCount={nSelected}
        onAssign={(name, mode) => void bulk.apply(sel, name, mode)} />
      {openId !== null && (
        <ImageView
          project={project}
          type={type}
          entryId={openId}
          index={openIndex}
          items={items}
          matching={count.data?.count}
          labels={labels.data ?? []}
          hasMore={!!pages.hasNextPage}
          loadMore={() => pages.fetchNextPage()}
          onNavigate={(id) => setParams((p) => { const n = new URLSearchParams(p); n.set("entry", String(id)); return n; }, { replace: true })}
          onClose={() => {
            if (openIndex >= 0) {
              moveTo(openIndex, false);
              grid.current?.scrollToIndex(openIndex);
            }
            setParam("entry", null);
          }}
        />
      )}
    </div>
  );
}
