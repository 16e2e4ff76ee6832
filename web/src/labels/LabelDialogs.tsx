import { useEffect, useState } from "react";
import type { DatasetLabel, LabelUsage } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { fetchUsage } from "./useLabelActions";

function useUsage(project: string, name: string): LabelUsage | null {
  const [usage, setUsage] = useState<LabelUsage | null>(null);
  useEffect(() => {
    void fetchUsage(project, name).then(setUsage);
  }, [project, name]);
  return usage;
}

function usageText(u: LabelUsage | null): string {
  if (!u) return "…";
  return `${u.image_labels.toLocaleString()} image-level labels and ${u.boxes.toLocaleString()} boxes`;
}

interface DeleteProps {
  project: string;
  label: string;
  onConfirm: () => void;
  onClose: () => void;
}

export function DeleteLabelDialog({ project, label, onConfirm, onClose }: DeleteProps) {
  const usage = useUsage(project, label);
  return (
    <ConfirmDialog title={`Delete label “${label}”?`} confirm="Delete label" danger busy={!usage} onConfirm={onConfirm} onClose={onClose}>
      <p data-testid="usage">
        This removes <strong>{usageText(usage)}</strong> from every dataset of the project. Images keep their other labels.
      </p>
    </ConfirmDialog>
  );
}

interface MergeProps {
  project: string;
  label: string;
  labels: DatasetLabel[];
  onConfirm: (into: string) => void;
  onClose: () => void;
}

export function MergeLabelDialog({ project, label, labels, onConfirm, onClose }: MergeProps) {
  const usage = useUsage(project, label);
  const others = labels.filter((l) => l.name !== label);
  const [into, setInto] = useState(others[0]?.name ?? "");
  return (
    <ConfirmDialog title={`Merge “${label}” into another label`} confirm={into ? `Merge into “${into}”` : "Merge"}
      busy={!usage || !into} onConfirm={() => onConfirm(into)} onClose={onClose}>
      <label className="block">
        Merge into
        <select value={into} onChange={(e) => setInto(e.target.value)} aria-label="Merge into">
          {others.map((l) => (
            <option key={l.name} value={l.name}>{l.name}</option>
          ))}
        </select>
      </label>
      <p data-testid="usage">
        <strong>{usageText(usage)}</strong> of “{label}” become “{into}” (duplicates are dropped), and “{label}” is removed.
      </p>
    </ConfirmDialog>
  );
}
