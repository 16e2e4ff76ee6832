// The progress of one export job, polled until it ends: shown in the export dialog after an
// export to S3 or to a server folder starts, so the user sees it finish without leaving.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Job } from "../api/types";
import { ProgressBar } from "../components/ProgressBar";

export function ExportJobProgress({ jobId }: { jobId: number }) {
  const job = useQuery({
    queryKey: ["job", jobId],
    queryFn: () => api<Job>(`/jobs/${jobId}`),
    refetchInterval: (q) => (q.state.data?.status === "SUCCEEDED" || q.state.data?.status === "FAILED" ? false : 700),
  });
  const data = job.data;
  if (!data) return <p className="muted">Export queued…</p>;
  if (data.status === "SUCCEEDED") {
    return (
      <p className="export-done" role="status">
        Exported {String(data.result.entries_written ?? data.done)} entries to <code>{String(data.result.out ?? "")}</code>.
        {data.result.report ? <> Report: <code>{String(data.result.report)}</code></> : null}
      </p>
    );
  }
  if (data.status === "FAILED") return <p className="error" role="alert">Export failed: {data.message}</p>;
  return <ProgressBar done={data.done} total={data.total} label="Exporting" />;
}
