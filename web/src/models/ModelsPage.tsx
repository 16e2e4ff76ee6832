import { useState } from "react";
import { useParams } from "react-router-dom";
import { errorText } from "../api/client";
import { useVersions } from "./hooks";
import { TrainDialog } from "./TrainDialog";
import { VersionsTable } from "./VersionsTable";

/** A project's model versions: train a new one, follow it live, act on the others. */
export function ModelsPage() {
  const project = useParams().project!;
  const versions = useVersions(project);
  const [asking, setAsking] = useState(false);
  const training = versions.data?.some((v) => v.status === "TRAINING_IN_PROGRESS" || (v.status === "STOPPING" && !v.finished_at));
  return (
    <section className="models-page">
      <div className="page-head">
        <h1>Models</h1>
        <span className="muted">Each version is one training of {project}, measured on its TEST images.</span>
        <span className="spacer" />
        <button className="primary" disabled={training}
          title={training ? "A training of this project is in progress" : "Train a new version on the labelled images"}
          onClick={() => setAsking(true)}>
          Train model
        </button>
        {asking && <TrainDialog project={project} onClose={() => setAsking(false)} />}
      </div>
      {versions.isLoading && <p>Loading…</p>}
      {versions.error && <p className="error">{errorText(versions.error)}</p>}
      {versions.data?.length === 0 && (
        <div className="empty">No model yet. Label the TRAIN images, then train one: with no TEST dataset, 20% of TRAIN is held out to test it.</div>
      )}
      {!!versions.data?.length && <VersionsTable project={project} versions={versions.data} />}
    </section>
  );
}
