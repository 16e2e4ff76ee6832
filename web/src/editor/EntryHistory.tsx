// The image view's History section: who changed this entry and when (GET .../history).
import { errorText } from "../api/client";
import { useEntryHistory } from "../api/hooks";
import type { HistoryItem } from "../api/types";

const ACTIONS: Record<string, string> = {
  "entry.labels": "changed image labels",
  "entry.boxes": "changed boxes",
  "entry.bulk_labels": "bulk-labelled",
  "entry.delete": "deleted",
  "dataset.split": "moved to TEST",
  "prelabel.accept": "accepted predictions",
};

function names(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === "object") return Object.keys(value);
  return [];
}

/** A short account of what changed, from the event's detail. */
function summary(item: HistoryItem): string {
  const d = item.detail;
  const parts: string[] = [];
  const added = names(d.added);
  const removed = names(d.removed);
  if (added.length) parts.push(`+${added.join(", +")}`);
  if (removed.length) parts.push(`−${removed.join(", −")}`);
  if (typeof d.boxes_before === "number" && typeof d.boxes_after === "number")
    parts.push(`${d.boxes_before} → ${d.boxes_after} boxes`);
  if (d.undo === true) parts.push("(undo)");
  return parts.join(" ");
}

export function EntryHistory({ project, type, entryId }: { project: string; type: string; entryId: number }) {
  const history = useEntryHistory(project, type, entryId);
  const items = history.data?.items ?? [];
  return (
    <section aria-label="History" data-testid="entry-history">
      <h3>History</h3>
      {history.error && <p className="error small">{errorText(history.error)}</p>}
      {history.data && !items.length && <p className="muted small">No changes recorded yet.</p>}
      <ol className="history small">
        {items.map((item, i) => (
          <li key={`${item.at}-${i}`}>
            <strong>{item.actor}</strong> {ACTIONS[item.action] ?? item.action}{" "}
            <span className="muted">{summary(item)}</span>{" "}
            <time className="muted" dateTime={item.at} title={item.at}>{new Date(item.at).toLocaleString()}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}
