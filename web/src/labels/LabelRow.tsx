import { memo, useState } from "react";
import type { DatasetLabel } from "../api/types";

interface Props {
  label: DatasetLabel;
  index: number;
  canAssign: boolean;
  onAssign: (name: string, mode: "add" | "remove") => void;
  onRename: (name: string, to: string) => void;
  onRecolour: (name: string, color: string) => void;
  onMerge: (name: string) => void;
  onDelete: (name: string) => void;
}

export const LabelRow = memo(function LabelRow({ label, index, canAssign, onAssign, onRename, onRecolour, onMerge, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(label.name);
  const finish = (save: boolean) => {
    setEditing(false);
    if (save && draft.trim() && draft !== label.name) onRename(label.name, draft.trim());
    else setDraft(label.name);
  };
  return (
    <li className="label-row" data-label={label.name}>
      <span className="key" title={`Press ${index + 1} to toggle this label on the selection`}>{index < 9 ? index + 1 : ""}</span>
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
      <span className="counts" title="images with this label · boxes with this label">
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
            <button className="small danger" onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; onDelete(label.name); }}>Delete…</button>
          </div>
        </details>
      </span>
    </li>
  );
});
