// The labels' order (their number keys 1–9): moved by dragging in the labels pane, kept by
// the server (PUT /labels/order) so every view and every user sees the same numbers.
import { useMutation } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { api, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import { useToast } from "../components/Toasts";
import { labelPath } from "./useLabelActions";

/** ``names`` with ``moved`` put where ``target`` is (after it when moving down). */
export function moveName(names: string[], moved: string, target: string): string[] {
  const from = names.indexOf(moved);
  const to = names.indexOf(target);
  if (from < 0 || to < 0 || from === to) return names;
  const rest = names.filter((n) => n !== moved);
  rest.splice(rest.indexOf(target) + (from < to ? 1 : 0), 0, moved);
  return rest;
}

export function useLabelOrder<T extends { name: string }>(project: string, labels: T[]) {
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  // The order just asked for, shown until the server's answer arrives (no jump back).
  const [pending, setPending] = useState<string[] | null>(null);
  const save = useMutation({
    mutationFn: (names: string[]) => api(`${labelPath(project)}/order`, { method: "PUT", json: { names } }),
    onSuccess: async () => {
      await invalidate();
      setPending(null);
    },
    onError: (e: unknown) => {
      setPending(null);
      toast(errorText(e), "error");
    },
  });
  const byName = new Map(labels.map((l) => [l.name, l]));
  const shown = pending && pending.length === labels.length && pending.every((n) => byName.has(n))
    ? pending.map((n) => byName.get(n)!)
    : labels;
  const names = shown.map((l) => l.name);
  const key = names.join("\u0000");
  const move = useCallback((moved: string, target: string) => {
    const current = key.split("\u0000");
    const next = moveName(current, moved, target);
    if (next === current) return;
    setPending(next);
    save.mutate(next);
  }, [key, save]);
  return { shown, move };
}
