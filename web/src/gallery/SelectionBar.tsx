import { Link } from "react-router-dom";
import type { Selection } from "./useSelection";
import { plural } from "../lib/plural";

interface Props {
  matching: number | undefined;
  loaded: number;
  selection: Selection;
  selected: number;
  onSelectAll: () => void;
  onClear: () => void;
  undoText: string | null;
  onUndo: () => void;
  size: number;
  onSize: (s: number) => void;
  showBoxes: boolean;
  onShowBoxes: (v: boolean) => void;
  errorsLink: string | null;
}

export function SelectionBar(p: Props) {
  return (
    <div className="toolbar">
      <span className="matching" data-testid="matching">
        {p.matching === undefined ? "…" : plural(p.matching, "image")}
      </span>
      {p.selected > 0 ? (
        <span className="selection" data-testid="selection">
          <strong>{p.selected.toLocaleString()} selected</strong>
          {p.selection.all && " (all matching the filter)"}
          {!p.selection.all && p.matching !== undefined && p.matching > p.selected && (
            <button className="link" onClick={p.onSelectAll}>Select all {p.matching.toLocaleString()} matching</button>
          )}
          <button className="link" onClick={p.onClear}>Clear</button>
        </span>
      ) : (
        <span className="muted small hint">Click to select, Shift-click a range, Ctrl-click to toggle · 1–9 label the selection · double-click or Enter opens an image</span>
      )}
      {p.undoText && (
        <button className="undo" onClick={p.onUndo} title="Ctrl+Z">↶ Undo: {p.undoText}</button>
      )}
      <span className="spacer" />
      {p.errorsLink && <Link to={p.errorsLink} className="warn small">⚠ Errors</Link>}
      <label className="check small">
        <input type="checkbox" checked={p.showBoxes} onChange={(e) => p.onShowBoxes(e.target.checked)} />
        Boxes on thumbnails
      </label>
      <label className="small size-control">
        Tile size
        <input type="range" min={96} max={360} step={12} value={p.size} onChange={(e) => p.onSize(Number(e.target.value))} aria-label="Thumbnail size" />
      </label>
    </div>
  );
}
