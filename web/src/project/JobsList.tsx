import { useJobs } from "../api/hooks";
import { ProgressBar } from "../components/ProgressBar";

const KIND_NAMES: Record<string, string> = {
  "dataset.create": "Create dataset",
  "dataset.update": "Add entries",
  "dataset.upload": "Upload",
  "dataset.distribute": "Split into TEST",
  "dataset.export": "Export",
};

const FORMAT_NAMES: Record<string, string> = {
  groundtruth: "Ground Truth manifest",
  coco: "COCO",
  yolo: "YOLO",
  voc: "Pascal VOC",
  folders: "folders by label",
};

export function JobsList({ project }: { project: string }) {
  const jobs = useJobs(project);
  if (!jobs.data?.length) return <p className="muted">No jobs yet.</p>;
  return (
    <ul className="jobs">
      {jobs.data.map((j) => (
        <li key={j.id} className={`job ${j.status.toLowerCase()}`} data-job-status={j.status}>
          <div className="job-head">
            <strong className="job-title">
              {j.title || (
                <>
                  {KIND_NAMES[j.kind] ?? j.kind}
                  {j.kind === "dataset.export" && typeof j.result.format === "string" && ` (${FORMAT_NAMES[j.result.format] ?? j.result.format})`}
                </>
              )}
            </strong>
            <span className={`badge ${j.status === "FAILED" ? "error" : j.status === "SUCCEEDED" ? "ok" : "busy"}`}>
              {j.status.toLowerCase()}
            </span>
            <span className="muted">{new Date(j.created_at).toLocaleTimeString()}</span>
          </div>
          {(j.status === "RUNNING" || j.status === "QUEUED") && <ProgressBar done={j.done} total={j.total} />}
          {j.message && <div className="job-message">{j.message}</div>}
          {j.kind === "dataset.export" && j.status === "SUCCEEDED" && typeof j.result.out === "string" && !j.message?.includes(j.result.out) && (
            <div className="job-message">Written to {j.result.out}</div>
          )}
        </li>
      ))}
    </ul>
  );
}
