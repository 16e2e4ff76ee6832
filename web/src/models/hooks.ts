// Model versions through TanStack Query; lists poll while anything is on its way.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { keys as projectKeys } from "../api/hooks";
import { useToast } from "../components/Toasts";
import type { Detection, ModelVersion, TestResults } from "./types";

export const versionKeys = {
  all: (p: string) => ["project", p, "versions"] as const,
  one: (p: string, v: string) => ["project", p, "versions", v] as const,
  results: (p: string, v: string) => ["project", p, "versions", v, "results"] as const,
};

/** Statuses that change by themselves: the page keeps asking while a version is in one. */
export const MOVING = new Set(["TRAINING_IN_PROGRESS", "STARTING", "STOPPING", "DELETING"]);

export function versionsPath(project: string, version?: string): string {
  const base = `/projects/${encodeURIComponent(project)}/versions`;
  return version === undefined ? base : `${base}/${encodeURIComponent(version)}`;
}

export function useVersions(project: string) {
  return useQuery({
    queryKey: versionKeys.all(project),
    queryFn: () => api<{ items: ModelVersion[] }>(versionsPath(project)).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some((v) => MOVING.has(v.status)) ? 700 : false),
  });
}

export function useVersion(project: string, version: string) {
  return useQuery({
    queryKey: versionKeys.one(project, version),
    queryFn: () => api<ModelVersion>(versionsPath(project, version)),
    refetchInterval: (q) => (q.state.data && MOVING.has(q.state.data.status) ? 700 : false),
    retry: false,
  });
}

export function useTestResults(project: string, version: string, enabled: boolean) {
  return useQuery({
    queryKey: versionKeys.results(project, version),
    queryFn: () => api<TestResults>(`${versionsPath(project, version)}/test-results`),
    enabled,
    staleTime: Infinity, // a trained version's results never change
    retry: false,
  });
}

type Action = "train" | "stop" | "start" | "delete";

export interface TrainRequest {
  name?: string;
  config?: Record<string, unknown>;
}

/** Train, stop, start or delete: errors become toasts, success refreshes the versions. */
export function useVersionAction(project: string) {
  const client = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: ({ action, version, train }: { action: Action; version?: string; train?: TrainRequest }): Promise<ModelVersion | void> => {
      if (action === "train") return api<ModelVersion>(versionsPath(project), { method: "POST", json: train ?? {} });
      if (action === "delete") return api<void>(versionsPath(project, version), { method: "DELETE" });
      return api<ModelVersion>(`${versionsPath(project, version)}/${action}`, { method: "POST" });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: versionKeys.all(project) });
      void client.invalidateQueries({ queryKey: projectKeys.jobs(project) });
    },
    onError: (e) => toast(errorText(e), "error"),
  });
}

/** DetectCustomLabels with a running version; min confidence 0 answers every label. */
export async function detect(project: string, version: string, file: File, minConfidence: number): Promise<Detection[]> {
  const body = new FormData();
  body.append("image", file);
  body.append("min_confidence", String(minConfidence));
  const answer = await api<{ custom_labels: Detection[] }>(`${versionsPath(project, version)}/detect`, {
    method: "POST",
    body,
  });
  return answer.custom_labels;
}

/** Run a version over a dataset's unlabelled images; its predictions await review there. */
export function usePrelabel(project: string) {
  const client = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: ({ version, type }: { version: string; type: "train" | "test" }) =>
      api<{ id: number }>(`${versionsPath(project, version)}/prelabel`, { method: "POST", json: { dataset_type: type } }),
    onSuccess: (_job, { type }) => {
      toast(`Pre-labelling the unlabelled ${type.toUpperCase()} images: see the project's jobs`);
      void client.invalidateQueries({ queryKey: projectKeys.jobs(project) });
    },
    onError: (e) => toast(errorText(e), "error"),
  });
}

export function exportUrl(project: string, version: string): string {
  return `/api/v1${versionsPath(project, version)}/export?format=onnx`;
}
