import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { DatasetOverview } from "../api/types";
import type { ProjectHealth } from "./types";

/** The project's dataset health. Its key carries the datasets' counters, so an import, an
 * edit or a split that changes them (the project list polls while jobs run) refetches it;
 * under ["project", p] it also follows every invalidation of the project. */
export function useHealth(project: string, datasets: DatasetOverview[], labelCount: number) {
  const signature = datasets
    .map((d) => `${d.dataset_type}:${d.status}:${d.total_entries}:${d.labeled_entries}`)
    .sort()
    .join("|");
  return useQuery({
    queryKey: ["project", project, "health", signature, labelCount],
    queryFn: () => api<ProjectHealth>(`/projects/${encodeURIComponent(project)}/health`),
  });
}
