import { useState } from "react";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { exportUrl, usePrelabel, useVersionAction } from "./hooks";
import { isTrained } from "./format";
import type { ModelVersion } from "./types";

const STARTABLE = new Set(["TRAINING_COMPLETED", "STOPPED", "FAILED"]);

/** What can be done with a version now: stop its training, start or stop serving it,
 * download its model, delete it. */
export function VersionActions({ project, version }: { project: string; version: ModelVersion }) {
  const action = useVersionAction(project);
  const prelabel = usePrelabel(project);
  const [deleting, setDeleting] = useState(false);
  const v = version;
  const busy = action.isPending;
  const run = (a: "stop" | "start") => action.mutate({ action: a, version: v.name });
  return (
    <div className="actions version-actions">
      {v.status === "TRAINING_IN_PROGRESS" && (
        <button className="danger" disabled={busy} onClick={() => run("stop")}>Stop training</button>
      )}
      {isTrained(v) && STARTABLE.has(v.status) && (
        <button disabled={busy} onClick={() => run("start")} title="Load the model so that it answers detections">Start</button>
      )}
      {v.status === "RUNNING" && (
        <button disabled={busy} onClick={() => run("stop")} title="Unload the model">Stop</button>
      )}
      {isTrained(v) && (
        <a className="button" href={exportUrl(project, v.name)} download title="The model as ONNX, with its labels and thresholds">
          Download ONNX
        </a>
      )}
      {isTrained(v) && (
        <details className="menu">
          <summary className="button" title="Predict labels for the images nobody labelled, to review them in the gallery">Pre-label…</summary>
          <div className="menu-items">
            {(["train", "test"] as const).map((type) => (
              <button key={type} disabled={prelabel.isPending} onClick={() => prelabel.mutate({ version: v.name, type })}>
                Unlabelled {type.toUpperCase()} images
              </button>
            ))}
          </div>
        </details>
      )}
      {!["TRAINING_IN_PROGRESS", "STARTING", "RUNNING", "STOPPING"].includes(v.status) && (
        <button className="danger" disabled={busy} onClick={() => setDeleting(true)}>Delete…</button>
      )}
      {deleting && (
        <ConfirmDialog title={`Delete model version ${v.name}?`} confirm="Delete version" danger busy={busy}
          onConfirm={() => action.mutate({ action: "delete", version: v.name }, { onSettled: () => setDeleting(false) })}
          onClose={() => setDeleting(false)}>
          <p>Its model files, evaluation and snapshots are removed. The datasets are not changed.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
