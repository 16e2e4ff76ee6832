// Assigning and removing labels on the selection, with an undo of the last change.
import { useEffect, useRef, useState } from "react";
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
  const [last, setLastState] = useState<Done | null>(null);
  const lastRef = useRef<Done | null>(null); // read by queued undos, which outlive the render that queued them
  const setLast = (done: Done | null) => {
    lastRef.current = done;
    setLastState(done);
  };
  const [busy, setBusy] = useState(false);
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const base = datasetPath(project, type);
  // A key pressed twice in quick succession must see the first press's result, even before the
  // gallery has refetched: changes run one after another, and each records what it left behind
  // until fresh pages arrive.
  const latestItems = useRef(items);
  const known = useRef(new Map<number, Map<string, boolean>>());
  const queue = useRef<Promise<void>>(Promise.resolve());
  useEffect(() => {
    latestItems.current = items;
    known.current.clear();
  }, [items]);
  const has = (e: Entry, label: string) => known.current.get(e.id)?.get(label) ?? e.labels.includes(label);
  const remember = (ids: number[], label: string, present: boolean) => {
    for (const id of ids) {
      const labels = known.current.get(id) ?? new Map<string, boolean>();
      labels.set(label, present);
      known.current.set(id, labels);
    }
  };

  const apply = (sel: Selection, label: string, mode: BulkMode) => {
    const run = queue.current.then(() => applyNow(sel, label, mode));
    queue.current = run;
    return run;
  };

  const applyNow = async (sel: Selection, label: string, mode: BulkMode) => {
    const chosen = sel.all ? null : latestItems.current.filter((e) => sel.ids.has(e.id));
    if (!sel.all && !chosen?.length) {
      toast("Select images first (click, Shift-click, Ctrl-click, or Ctrl+A for all)", "error");
      return;
    }
    let op: "add" | "remove" = mode === "remove" ? "remove" : "add";
    if (mode === "toggle" && chosen && chosen.every((e) => has(e, label))) op = "remove";
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
      if (chosen) remember(chosen.map((e) => e.id), label, op === "add");
      setLast({ change, text });
      toast(text);
      await invalidate();
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  };

  const undo = () => {
    const run = queue.current.then(undoNow);
    queue.current = run;
    return run;
  };

  const undoNow = async () => {
    const last = lastRef.current;
    if (!last) return;
    setBusy(true);
    try {
      await api<BulkChange>(`${base}/bulk-changes/revert`, {
        method: "POST",
        json: { added: last.change.added, removed: last.change.removed },
      });
      known.current.clear();
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
