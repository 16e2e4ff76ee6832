// Assigning and removing labels on the selection, with an undo of the last change.
import { useState } from "react";
import { api, datasetPath, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import type { BulkChange, Entry } from "../api/types";
import { useToast } from "../components/Toasts";
import { filterBody, type GalleryFilter } from "../lib/filters";
import type { Selection } from "./useSelection";

export type BulkMode = "add" | "remove" | "toggle";

interface Done {
  change: BulkChange;
  text: string;
}

export function useBulkLabels(project: string, type: string, filter: GalleryFilter, items: Entry[]) {
  const [last, setLast] = useState<Done | null>(null);
  const [busy, setBusy] = useState(false);
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const base = datasetPath(project, type);

  const apply = async (sel: Selection, label: string, mode: BulkMode) => {
    const chosen = sel.all ? null : items.filter((e) => sel.ids.has(e.id));
    if (!sel.all && !chosen?.length) {
      toast("Select images first (click, Shift-click, Ctrl-click, or Ctrl+A for all)", "error");
      return;
    }
    let op: "add" | "remove" = mode === "remove" ? "remove" : "add";
    if (mode === "toggle" && chosen && chosen.every((e) => e.labels.includes(label))) op = "remove";
    const target = sel.all ? { filter: filterBody(filter) } : { ids: chosen!.map((e) => e.id) };
    setBusy(true);
    try {
      const change = await api<BulkChange>(`${base}/bulk-changes`, {
        method: "POST",
        json: { ...target, add: op === "add" ? [label] : [], remove: op === "remove" ? [label] : [] },
      });
      const count = Object.values(op === "add" ? change.added : change.removed)
        .flat()
        .reduce((n, [a, b]) => n + b - a + 1, 0);
      const text = op === "add" ? `Added “${label}” to ${count} images` : `Removed “${label}” from ${count} images`;
      setLast({ change, text });
      toast(text);
      await invalidate();
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  };

  const undo = async () => {
    if (!last) return;
    setBusy(true);
    try {
      await api<BulkChange>(`${base}/bulk-changes/revert`, {
        method: "POST",
        json: { added: last.change.added, removed: last.change.removed },
      });
      toast(`Undone: ${last.text}`);
      setLast(null);
      await invalidate();
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  };

  return { apply, undo, last, busy };
}
