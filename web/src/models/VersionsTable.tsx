import { Link } from "react-router-dom";
import { pct, statusClass, statusWord, TASK_WORDS, isTrained } from "./format";
import { useVersion } from "./hooks";
import { TrainingProgress } from "./TrainingProgress";
import { VersionActions } from "./VersionActions";
import type { ModelVersion } from "./types";

/** The list answers without evaluations; a trained row reads its own F1 (cached for good). */
function F1Cell({ project, version }: { project: string; version: ModelVersion }) {
  const described = useVersion(project, version.name);
  const f1 = described.data?.evaluation_summary?.AggregatedEvaluationResults.F1Score;
  return <td className="figure" data-column="f1">{isTrained(version) ? pct(f1) : "–"}</td>;
}

function Row({ project, v }: { project: string; v: ModelVersion }) {
  const failed = v.status.endsWith("FAILED");
  return (
    <tr data-version={v.name} data-status={v.status}>
      <td>
        <Link className="version-link" to={`/projects/${encodeURIComponent(project)}/models/${encodeURIComponent(v.name)}`}>
          {v.name}
        </Link>
        <div className="muted small">{new Date(v.created_at).toLocaleString()}</div>
      </td>
      <td>
        <span className={`badge ${statusClass(v.status)}`} title={v.status}>{statusWord(v.status)}</span>
        <div className={`status-message ${failed ? "error" : "muted"} small`}>{v.status_message}</div>
        {v.status === "TRAINING_IN_PROGRESS" && <TrainingProgress progress={v.progress} />}
      </td>
      <td>{v.task ? TASK_WORDS[v.task] ?? v.task : "–"}</td>
      <td className="figure">
        {v.training_entries ?? "–"} / {v.testing_entries ?? "–"}
        {v.test_held_out && <div className="muted small">TEST held out of TRAIN</div>}
      </td>
      <F1Cell project={project} version={v} />
      <td><VersionActions project={project} version={v} /></td>
    </tr>
  );
}

export function VersionsTable({ project, versions }: { project: string; versions: ModelVersion[] }) {
  return (
    <table className="table versions-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Status</th>
          <th>Task</th>
          <th>Train / test images</th>
          <th>F1 score</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => <Row key={v.name} project={project} v={v} />)}
      </tbody>
    </table>
  );
}
