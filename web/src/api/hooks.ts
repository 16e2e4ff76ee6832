// Server state through TanStack Query: one key scheme, so every change invalidates what it touches.
import { useInfiniteQuery, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, datasetPath } from "./client";
import type {
  ConsoleSettings,
  DatasetInfo,
  DatasetLabel,
  Entry,
  EntryHistory,
  EntryPage,
  Job,
  ProjectOverview,
} from "./types";
import { filterQuery, type GalleryFilter } from "../lib/filters";

export const PAGE_SIZE = 200;

export const keys = {
  projects: ["projects"] as const,
  settings: ["settings"] as const,
  project: (p: string) => ["project", p] as const,
  dataset: (p: string, t: string) => ["project", p, "dataset", t] as const,
  labels: (p: string, t: string) => ["project", p, "dataset", t, "labels"] as const,
  entries: (p: string, t: string, f?: GalleryFilter) =>
    f ? (["project", p, "dataset", t, "entries", f] as const) : (["project", p, "dataset", t, "entries"] as const),
  count: (p: string, t: string, f: GalleryFilter) => ["project", p, "dataset", t, "count", f] as const,
  entry: (p: string, t: string, id: number) => ["project", p, "dataset", t, "entry", id] as const,
  jobs: (p: string) => ["project", p, "jobs"] as const,
  history: (p: string, t: string, id: number) => ["project", p, "dataset", t, "entry", id, "history"] as const,
};

export function useSettings() {
  return useQuery({
    queryKey: keys.settings,
    queryFn: () => api<ConsoleSettings>("/console/settings"),
    staleTime: Infinity,
  });
}

export function useProjects() {
  return useQuery({
    queryKey: keys.projects,
    queryFn: () => api<ProjectOverview[]>("/console/projects"),
    refetchInterval: (q) => (q.state.data?.some((p) => p.active_jobs > 0) ? 1000 : false),
  });
}

export function useJobs(project: string) {
  return useQuery({
    queryKey: keys.jobs(project),
    queryFn: () => api<Job[]>(`/projects/${encodeURIComponent(project)}/jobs`),
    refetchInterval: (q) =>
      q.state.data?.some((j) => j.status === "QUEUED" || j.status === "RUNNING") ? 700 : 5000,
  });
}

export function useDataset(project: string, type: string, enabled = true) {
  return useQuery({
    queryKey: keys.dataset(project, type),
    queryFn: () => api<DatasetInfo>(datasetPath(project, type)),
    enabled,
    retry: false,
  });
}

export function useDatasetLabels(project: string, type: string) {
  return useQuery({
    queryKey: keys.labels(project, type),
    queryFn: () => api<DatasetLabel[]>(`${datasetPath(project, type)}/labels`),
  });
}

export function useEntryPages(project: string, type: string, filter: GalleryFilter) {
  return useInfiniteQuery({
    queryKey: keys.entries(project, type, filter),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const q = filterQuery(filter);
      q.set("limit", String(PAGE_SIZE));
      q.set("order", filter.order);
      if (pageParam) q.set("next_token", pageParam);
      return api<EntryPage>(`${datasetPath(project, type)}/entries?${q}`);
    },
    getNextPageParam: (last) => last.next_token,
    staleTime: 30_000,
  });
}

export function useFilterCount(project: string, type: string, filter: GalleryFilter) {
  return useQuery({
    queryKey: keys.count(project, type, filter),
    queryFn: () =>
      api<{ count: number }>(`${datasetPath(project, type)}/entry-count?${filterQuery(filter)}`),
  });
}

export function fetchEntry(project: string, type: string, id: number): Promise<Entry> {
  return api<Entry>(`${datasetPath(project, type)}/entries/${id}`);
}

export function useEntry(project: string, type: string, id: number | null) {
  return useQuery({
    queryKey: keys.entry(project, type, id ?? -1),
    queryFn: () => fetchEntry(project, type, id!),
    enabled: id !== null,
    staleTime: 0,
    gcTime: 60_000,
  });
}

/** Who changed an entry and when, newest first (the audit log). */
export function useEntryHistory(project: string, type: string, id: number) {
  return useQuery({
    queryKey: keys.history(project, type, id),
    queryFn: () => api<EntryHistory>(`${datasetPath(project, type)}/entries/${id}/history?limit=50`),
    staleTime: 0,
  });
}

/** After labels or entries changed: refresh every view of the project and the project list. */
export async function invalidateProject(client: QueryClient, project: string): Promise<void> {
  void client.invalidateQueries({ queryKey: keys.projects });
  // The open editor keeps its own copy of its entry (it saves with versions); the rest refreshes.
  await client.invalidateQueries({
    queryKey: ["project", project],
    predicate: (q) => q.queryKey[4] !== "entry",
  });
}

export function useInvalidateProject(project: string): () => Promise<void> {
  const client = useQueryClient();
  return () => invalidateProject(client, project);
}
