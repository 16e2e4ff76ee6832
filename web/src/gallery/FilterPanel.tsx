import { useEffect, useState } from "react";
import type { DatasetLabel } from "../api/types";
import { isFiltered, type GalleryFilter } from "../lib/filters";
import { plural } from "../lib/plural";

interface Props {
  filter: GalleryFilter;
  labels: DatasetLabel[];
  total: number | undefined;
  onChange: (f: GalleryFilter) => void;
}

/** The gallery's filters; every change lands in the URL (see lib/filters.ts). */
export function FilterPanel({ filter, labels, total, onChange }: Props) {
  const [text, setText] = useState(filter.text);
  useEffect(() => setText(filter.text), [filter.text]);
  useEffect(() => {
    if (text === filter.text) return;
    const t = setTimeout(() => onChange({ ...filter, text }), 350);
    return () => clearTimeout(t);
  }, [text, filter, onChange]);
  const toggleLabel = (name: string) =>
    onChange({
      ...filter,
      labels: filter.labels.includes(name) ? filter.labels.filter((l) => l !== name) : [...filter.labels, name].slice(0, 10),
    });
  return (
    <aside className="filters" aria-label="Filters">
      <div className="panel-head">
        <h3>Filter</h3>
        {isFiltered(filter) && (
          <button className="link small" onClick={() => onChange({ labels: [], labeled: null, errors: false, boxes: false, predicted: false, text: "", order: filter.order })}>
            Clear
          </button>
        )}
      </div>
      <label className="block">
        File name or path contains
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. IMG_20" aria-label="Source-ref contains" />
      </label>
      <fieldset>
        <legend>Status</legend>
        {([[null, "All"], ["yes", "Labelled"], ["no", "Unlabelled"]] as const).map(([v, t]) => (
          <label key={t} className="check">
            <input type="radio" name="labeled" checked={filter.labeled === v} onChange={() => onChange({ ...filter, labeled: v })} />
            {t}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={filter.errors} onChange={(e) => onChange({ ...filter, errors: e.target.checked })} />
          Has errors
        </label>
        <label className="check">
          <input type="checkbox" checked={filter.boxes} onChange={(e) => onChange({ ...filter, boxes: e.target.checked })} />
          Has boxes
        </label>
        <label className="check" title="Labels or boxes a model predicted (pre-labelling) that nobody accepted or corrected yet">
          <input type="checkbox" checked={filter.predicted} onChange={(e) => onChange({ ...filter, predicted: e.target.checked })} />
          Predicted, not reviewed
        </label>
      </fieldset>
      <fieldset className="label-filter">
        <legend>Labels {filter.labels.length > 1 && <span className="muted small">(any of)</span>}</legend>
        {labels.length === 0 && <p className="muted small">No labels yet.</p>}
        {labels.map((l) => (
          <label key={l.name} className="check label-check" data-filter-label={l.name}>
            <input type="checkbox" checked={filter.labels.includes(l.name)} onChange={() => toggleLabel(l.name)} />
            <i className="swatch" style={{ background: l.color }} />
            <span className="name">{l.name}</span>
            {/* Images and boxes are different things: never one sum of both. */}
            <span className="count" data-count="images" title={`${plural(l.entry_count, "image")} with this label`}>{l.entry_count.toLocaleString()}</span>
            {l.box_count > 0 && <span className="count muted" data-count="boxes" title={plural(l.box_count, "box", "boxes")}>▭ {l.box_count.toLocaleString()}</span>}
          </label>
        ))}
      </fieldset>
      <label className="block">
        Sort
        <select value={filter.order} onChange={(e) => onChange({ ...filter, order: e.target.value as "asc" | "desc" })} aria-label="Sort">
          <option value="asc">Oldest first</option>
          <option value="desc">Newest first</option>
        </select>
      </label>
      {total !== undefined && <p className="muted small">{plural(total, "image")} in the dataset</p>}
    </aside>
  );
}
