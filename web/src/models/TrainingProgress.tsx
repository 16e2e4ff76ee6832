import type { TrainingProgress as Progress } from "./types";
import { progressText } from "./format";

/** The live bar of a training: how far, and what the training says it is doing. */
export function TrainingProgress({ progress }: { progress: Progress | null }) {
  const fraction = Math.max(0, Math.min(1, progress?.fraction ?? 0));
  const text = progress ? progressText(progress) : "queued";
  return (
    <div className="progress" role="progressbar" aria-valuenow={Math.round(fraction * 100)} aria-label="Training progress">
      <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      <span className="progress-text" data-testid="training-progress">
        {Math.round(fraction * 100)}% · {text}
      </span>
    </div>
  );
}
