import type { Entry } from "../api/types";
import { Dialog } from "../components/Dialog";
import { combine, docOf, type Doc } from "./model";

interface Props {
  mine: Doc;
  theirs: Entry;
  onKeep: (doc: Doc) => void;
}

function Version({ title, doc }: { title: string; doc: Doc }) {
  return (
    <div className="version">
      <h3>{title}</h3>
      <p>
        <strong>Labels:</strong> {doc.labels.length ? doc.labels.join(", ") : <span className="muted">none</span>}
      </p>
      <p>
        <strong>Boxes:</strong> {doc.boxes.length}
        {doc.boxes.length > 0 && <span className="muted"> ({[...new Set(doc.boxes.map((b) => b.label))].join(", ")})</span>}
      </p>
    </div>
  );
}

/** Someone else saved this image in between: show both versions and let the user choose. */
export function ConflictDialog({ mine, theirs, onKeep }: Props) {
  const theirDoc = docOf(theirs);
  const both = combine(mine, theirDoc);
  return (
    <Dialog title="Someone else changed this image" onClose={() => {}} wide>
      <p>
        Your change was not saved yet, because another person (or another tab) saved this image after you opened it.
        Choose what to keep; nothing is lost until you do.
      </p>
      <div className="versions" data-testid="conflict">
        <Version title="Your version" doc={mine} />
        <Version title="Their version (saved)" doc={theirDoc} />
      </div>
      <div className="dialog-actions">
        <button onClick={() => onKeep(theirDoc)}>Keep theirs</button>
        <button onClick={() => onKeep(mine)}>Keep mine</button>
        <button className="primary" onClick={() => onKeep(both)}>
          Keep both ({both.labels.length} labels, {both.boxes.length} boxes)
        </button>
      </div>
    </Dialog>
  );
}
