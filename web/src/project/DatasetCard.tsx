import { useState } from "react";
import { Link } from "react-router-dom";
import { useMutation } from "@tanstack/react-query";
import { api, datasetPath, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import type { DatasetOverview } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useToast } from "../components/Toasts";
import { CreateDatasetPanel } from "./CreateDatasetPanel";
import { ExportDialog } from "./ExportDialog";
import { SyncButton } from "./SyncButton";

interface Props {
  project: string;
  type: "TRAIN" | "TEST";
  dataset: DatasetOverview | undefined;
  canSplit: boolean;
}

const TITLES = { TRAIN: "Training dataset", TEST: "Test dataset" };
const PURPOSES = {
  TRAIN: "The images a model learns from: labels for whole images, boxes for objects.",
  TEST: "Images kept apart to measure the trained model on pictures it never saw. Create it from a source, or split off part of TRAIN.",
};

export function DatasetCard({ project, type, dataset, canSplit }: Props) {
  const [creating, setCreating] = useState(false);
  const [adding, setAdding] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const base = `/projects/${encodeURIComponent(project)}/datasets/${type.toLowerCase()}`;
  const remove = useMutation({
    mutationFn: () => api(datasetPath(project, type), { method: "DELETE" }),
    onSuccess: () => { setDeleting(false); void invalidate(); },
    onError: (e) => toast(errorText(e), "error"),
  });
  const split = useMutation({
    mutationFn: () => api(`/projects/${encodeURIComponent(project)}/distribute`, { method: "POST", json: {} }),
    onSuccess: () => { toast("Splitting: 20% of TRAIN moves to TEST (see Jobs)"); void invalidate(); },
    onError: (e) => toast(errorText(e), "error"),
  });

  if (!dataset) {
    return (
      <article className="card dataset-card" data-dataset={type}>
        <h2>{TITLES[type]}</h2>
        <p className="muted purpose">{PURPOSES[type]}</p>
        <p>No {type} dataset yet.</p>
        {!creating && (
          <div className="actions">
            <button className="primary" onClick={() => setCreating(true)}>Create {type} dataset…</button>
            {type === "TEST" && canSplit && (
              <button onClick={() => split.mutate()} disabled={split.isPending}
                title="Moves a random 20% of the TRAIN images (balanced by label) into a new TEST dataset">Split 20% of TRAIN into TEST</button>
            )}
          </div>
        )}
        {creating && <CreateDatasetPanel project={project} type={type} onDone={() => setCreating(false)} />}
      </article>
    );
  }
  const busy = dataset.status.endsWith("IN_PROGRESS");
  const failed = dataset.status.endsWith("FAILED");
  const unlabeled = dataset.total_entries - dataset.labeled_entries;
  return (
    <article className="card dataset-card" data-dataset={type}>
      <h2>
        {TITLES[type]}{" "}
        <span className={`badge ${failed ? "error" : busy ? "busy" : "ok"}`} title={dataset.status}>
          {failed ? "failed" : busy ? "working…" : "ready"}
        </span>
      </h2>
      {(failed || busy) && <p className={failed ? "error" : "muted"}>{dataset.status_message}</p>}
      <dl className="stats">
        <div><dt>Images</dt><dd data-stat="total">{dataset.total_entries.toLocaleString()}</dd></div>
        <div><dt>Labelled</dt><dd data-stat="labeled">{dataset.labeled_entries.toLocaleString()}</dd></div>
        <div><dt>Unlabelled</dt><dd data-stat="unlabeled">{unlabeled.toLocaleString()}</dd></div>
        <div><dt>With errors</dt><dd data-stat="errors" className={dataset.error_entries ? "warn" : ""}>{dataset.error_entries.toLocaleString()}</dd></div>
      </dl>
      <div className="actions">
        <Link className="button primary" to={base}>Open gallery</Link>
        {dataset.error_entries > 0 && <Link className="button" to={`${base}/errors`}>Review {dataset.error_entries} errors</Link>}
        <button onClick={() => setAdding((a) => !a)} aria-expanded={adding}>Add images or a source…</button>
        <SyncButton project={project} type={type} busy={busy} />
        <button onClick={() => setExporting(true)}>Export…</button>
        <button className="danger" onClick={() => setDeleting(true)} disabled={busy}>Delete…</button>
      </div>
      {adding && <CreateDatasetPanel project={project} type={type} existing onDone={() => setAdding(false)} />}
      {exporting && <ExportDialog project={project} type={type} onClose={() => setExporting(false)} />}
      {deleting && (
        <ConfirmDialog title={`Delete the ${type} dataset?`} confirm="Delete dataset" danger busy={remove.isPending}
          onConfirm={() => remove.mutate()} onClose={() => setDeleting(false)}>
          <p>Its {dataset.total_entries.toLocaleString()} images and their labels and boxes are removed from the project. The project's labels stay.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}
