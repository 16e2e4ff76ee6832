// The label vocabulary's changes; each refreshes every count on screen when done.
import { useMutation } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import type { LabelUsage } from "../api/types";
import { useToast } from "../components/Toasts";

export function labelPath(project: string, name?: string): string {
  const base = `/projects/${encodeURIComponent(project)}/labels`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export function fetchUsage(project: string, name: string): Promise<LabelUsage> {
  return api<LabelUsage>(`${labelPath(project, name)}/usage`);
}

export function useLabelActions(project: string) {
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const options = {
    onSuccess: () => void invalidate(),
    onError: (e: unknown) => toast(errorText(e), "error"),
  };
  const create = useMutation({
    mutationFn: (name: string) => api(labelPath(project), { method: "POST", json: { name } }),
    ...options,
  });
  const update = useMutation({
    mutationFn: (v: { name: string; rename?: string; color?: string }) =>
      api(labelPath(project, v.name), { method: "PATCH", json: { name: v.rename, color: v.color } }),
    ...options,
  });
  const merge = useMutation({
    mutationFn: (v: { name: string; into: string }) =>
      api<LabelUsage>(`${labelPath(project, v.name)}/merge`, { method: "POST", json: { into: v.into } }),
    ...options,
  });
  const remove = useMutation({
    mutationFn: (name: string) => api<LabelUsage>(labelPath(project, name), { method: "DELETE" }),
    ...options,
  });
  return { create, update, merge, remove };
}
