import { useState } from "react";
import { Dialog } from "../components/Dialog";
import { useVersionAction } from "./hooks";

/** Ask for a training: a name (v1, v2, ... when empty) and the settings a user may want to
 * change; every setting left empty takes the default measured for the task. */
export function TrainDialog({ project, onClose }: { project: string; onClose: () => void }) {
  const action = useVersionAction(project);
  const [name, setName] = useState("");
  const [epochs, setEpochs] = useState("");
  const [imageSize, setImageSize] = useState("");
  const [fineTune, setFineTune] = useState<"" | "yes" | "no">("");
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const config: Record<string, unknown> = {};
    if (epochs) config.epochs = Number(epochs);
    if (imageSize) config.image_size = Number(imageSize);
    if (fineTune) config.fine_tune = fineTune === "yes";
    action.mutate({ action: "train", train: { name: name.trim() || undefined, config } }, { onSuccess: onClose });
  };
  return (
    <Dialog title="Train a model" onClose={onClose}>
      <form onSubmit={submit} className="train-form">
        <p className="muted small">
          The version is trained on the labelled TRAIN images and measured on TEST (with no TEST dataset, 20% of TRAIN
          is held out). Settings left empty take the defaults measured for the task.
        </p>
        <label className="block">
          Version name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="v1, v2, … when empty" />
        </label>
        <div className="train-settings">
          <label className="block">
            Epochs
            <input type="number" min={1} value={epochs} onChange={(e) => setEpochs(e.target.value)} placeholder="default" />
          </label>
          <label className="block">
            Image size (px)
            <input type="number" min={32} step={32} value={imageSize} onChange={(e) => setImageSize(e.target.value)} placeholder="default" />
          </label>
          <label className="block">
            Fine-tune the backbone
            <select value={fineTune} onChange={(e) => setFineTune(e.target.value as "" | "yes" | "no")}>
              <option value="">default</option>
              <option value="yes">yes (slower, often better)</option>
              <option value="no">no (head only)</option>
            </select>
          </label>
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={action.isPending}>Train</button>
        </div>
      </form>
    </Dialog>
  );
}
