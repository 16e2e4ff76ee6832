import { memo, useState } from "react";
import type { DatasetLabel } from "../api/types";
import { plural } from "../lib/plural";

interface Props {
  label: DatasetLabel;
  index: number;
  canAssign: boolean;
  onAssign: (name: string, mode: "add" | "remove") => void;
  onRename: (name: string, to: string) => void;
  onRecolour: (name: string, color: string) => void;
  onMerge: (name: string) => void;
  onDelete: (name: string) => void;
  /** Move label ``name`` to where ``target`` is (its number key changes with its place). */
  onMove: (name: string, target: string) => void;
  above?: string;
  below?: string;
}

// Only our own drags are dropped on a row (not files, not text from elsewhere).
const DRAG_TYPE = "application/x-customlabels-label";

export const LabelRow = memo(function LabelRow({ label, index, canAssign, onAssign, onRename, onRecolour, onMerge, onDelete, onMove, above, below }: Props) {
  const [editing, setEditing] = useState(false);
  const [dropping, setDropping] = useState(false);
  const [draft, setDraft] = useState(label.name);
  const finish = (save: boolean) => {
    setEditing(false);
    if (save && draft.trim() && draft !== label.name) onRename(label.name, draft.trim());
    else setDraft(label.name);
  };
  return (
    <li className={`label-row${dropping ? " drop-target" : ""}`} data-label={label.name}
      draggable={!editing}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, label.name);
        e.dataTransfer.effectAllowed = "move";
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        setDropping(false);
        const moved = e.dataTransfer.getData(DRAG_TYPE);
        if (!moved) return;
        e.preventDefault();
        onMove(moved, label.name);
      }}>
      <span className="key drag-handle" title={`Drag to reorder; press ${index + 1} to toggle this label on the selection`}>{index < 9 ? index + 1 : "⋮"}</span>
      <input type="color" className="swatch-input" value={label.color} aria-label={`Colour of ${label.name}`}
        onChange={(e) => onRecolour(label.name, e.target.value)} />
      {editing ? (
        <input className="rename" autoFocus value={draft} aria-label={`New name for ${label.name}`}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => finish(true)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === "Enter") finish(true);
            if (e.key === "Escape") finish(false);
          }} />
      ) : (
        <span className="name" onDoubleClick={() => setEditing(true)} title="Double-click to rename">{label.name}</span>
      )}
      <span className="counts" title={`${plural(label.entry_count, "image")} · ${plural(label.box_count, "box", "boxes")} with this label`}>
        <span data-count="images">{label.entry_count.toLocaleString()}</span>
        {label.box_count > 0 && <span className="muted"> · ▭ {label.box_count.toLocaleString()}</span>}
      </span>
      <span className="row-actions">
        <button className="small" disabled={!canAssign} title="Add to the selected images" onClick={() => onAssign(label.name, "add")}>+ Add</button>
        <button className="small" disabled={!canAssign} title="Remove from the selected images" onClick={() => onAssign(label.name, "remove")}>− Remove</button>
        <details className="menu">
          <summary aria-label={`More actions for ${label.name}`} title="Rename, merge or delete">Edit ▾</summary>
          <div className="menu-items">
            <button className="small" onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; setEditing(true); }}>Rename</button>
            <button className="small" onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; onMerge(label.name); }}>Merge into…</button>
            {above && <button className="small" onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; onMove(label.name, above); }}>Move up</button>}
            {below && <button className="small" onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; onMove(label.name, below); }}>Move down</button>}
            <button className="small danger" onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; onDelete(label.name); }}>Delete…</button>
          </div>
        </details>
      </span>
    </li>
  );
});
