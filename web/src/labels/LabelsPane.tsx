import { useCallback, useState } from "react";
import type { DatasetLabel } from "../api/types";
import { DeleteLabelDialog, MergeLabelDialog } from "./LabelDialogs";
import { LabelRow } from "./LabelRow";
import { useLabelActions } from "./useLabelActions";
import { useLabelOrder } from "./useLabelOrder";

interface Props {
  project: string;
  labels: DatasetLabel[];
  selectedCount: number;
  onAssign: (name: string, mode: "add" | "remove") => void;
}

/** The project's labels: create, rename inline, recolour, merge, delete; assign to the selection. */
export function LabelsPane({ project, labels, selectedCount, onAssign }: Props) {
  const actions = useLabelActions(project);
  const order = useLabelOrder(project, labels);
  const [name, setName] = useState("");
  const [merging, setMerging] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const onRename = useCallback((n: string, to: string) => actions.update.mutate({ name: n, rename: to }), [actions.update]);
  const onRecolour = useCallback((n: string, color: string) => actions.update.mutate({ name: n, color }), [actions.update]);
  return (
    <aside className="labels-pane" aria-label="Labels">
      <div className="panel-head">
        <h3>Labels</h3>
        <span className="muted small">{selectedCount ? `${selectedCount.toLocaleString()} selected` : "select images to assign"}</span>
      </div>
      <form className="inline-form" onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) actions.create.mutate(name.trim(), { onSuccess: () => setName("") });
      }}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="New label" aria-label="New label name"
          onKeyDown={(e) => e.stopPropagation()} />
        <button disabled={!name.trim()}>Add label</button>
      </form>
      <ul className="label-list">
        {order.shown.map((l, i) => (
          <LabelRow key={l.name} label={l} index={i} canAssign={selectedCount > 0} onAssign={onAssign}
            onRename={onRename} onRecolour={onRecolour} onMerge={setMerging} onDelete={setDeleting}
            onMove={order.move} above={order.shown[i - 1]?.name} below={order.shown[i + 1]?.name} />
        ))}
      </ul>
      {labels.length > 1 && <p className="muted small">Drag a label to change its number key.</p>}
      {labels.length === 0 && <p className="muted small">No labels yet: add one above, or upload folders with “folder names as labels”.</p>}
      {merging && (
        <MergeLabelDialog project={project} label={merging} labels={labels} onClose={() => setMerging(null)}
          onConfirm={(into) => actions.merge.mutate({ name: merging, into }, { onSuccess: () => setMerging(null) })} />
      )}
      {deleting && (
        <DeleteLabelDialog project={project} label={deleting} onClose={() => setDeleting(null)}
          onConfirm={() => actions.remove.mutate(deleting, { onSuccess: () => setDeleting(null) })} />
      )}
    </aside>
  );
}
