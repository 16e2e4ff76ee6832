import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { errorText, imageUrl } from "../api/client";
import { fetchEntry, keys, useEntry, useSettings } from "../api/hooks";
import type { DatasetLabel, Entry } from "../api/types";
import { typingIn } from "../App";
import { useToast } from "../components/Toasts";
import { fileName } from "../gallery/Tile";
import { BoxList } from "./BoxList";
import { BoxStage, type View } from "./BoxStage";
import { ConflictDialog } from "./ConflictDialog";
import { EntryHistory } from "./EntryHistory";
import { boxProblem, clampRect, docOf, newKey, round, type Doc, type EBox, type Rect } from "./model";
import { useAutosave } from "./useAutosave";
import { useHistory } from "./useHistory";
import { plural } from "../lib/plural";

interface Props {
  project: string;
  type: string;
  entryId: number;
  index: number;
  items: Entry[];
  matching: number | undefined;
  labels: DatasetLabel[];
  hasMore: boolean;
  loadMore: () => Promise<unknown>;
  onNavigate: (id: number) => void;
  onClose: () => void;
}

/** The image view: loads the entry fresh (its current version), then hands it to the editor. */
export function ImageView(props: Props) {
  const entry = useEntry(props.project, props.type, props.entryId);
  // The count when the view opened: labelling images out of an "unlabelled" filter must not
  // shift the "n of N" under the user while they work through the list.
  const total = useRef<number | undefined>(undefined);
  if (total.current === undefined) total.current = props.matching;
  return (
    <div className="image-view" role="region" aria-label="Image view">
      {entry.error && (
        <div className="editor-error">
          <p className="error">{errorText(entry.error)}</p>
          <button onClick={props.onClose}>Back to the gallery</button>
        </div>
      )}
      {entry.data && entry.data.id === props.entryId && <Editor key={entry.data.id} entry={entry.data} {...props} matching={total.current} />}
    </div>
  );
}

function Editor({ entry, project, type, index, items, matching, labels, hasMore, loadMore, onNavigate, onClose }: Props & { entry: Entry }) {
  const settings = useSettings();
  const toast = useToast();
  const client = useQueryClient();
  const history = useHistory(() => docOf(entry));
  const { doc, current, commit } = history;
  const autosave = useAutosave(project, type, entry, current);
  const [selected, setSelected] = useState<string | null>(null);
  const [hidden, setHidden] = useState(false);
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [view, setView] = useState<View | null>(null);
  const stageSize = useRef({ w: 0, h: 0 });
  const names = useMemo(() => labels.map((l) => l.name), [labels]);
  const colors = useMemo(() => new Map(labels.map((l) => [l.name, l.color])), [labels]);
  const [chosen, setActive] = useState<string>(() => entry.boxes.at(-1)?.label ?? "");
  const active = chosen && names.includes(chosen) ? chosen : (names[0] ?? "");
  const W = entry.asset?.width ?? 1;
  const H = entry.asset?.height ?? 1;

  const fit = useCallback(() => {
    const { w, h } = stageSize.current;
    if (!w || !h) return;
    const scale = Math.min(w / W, h / H) * 0.96;
    setView({ scale, x: (w - W * scale) / 2, y: (h - H * scale) / 2 });
  }, [W, H]);

  useEffect(() => {
    if (!entry.asset) return;
    const img = new Image();
    img.onload = () => setImage(img);
    img.src = imageUrl(project, type, entry.id);
  }, [entry, project, type]);

  // The next image (and its entry) load while this one is edited.
  const next = items[index + 1];
  useEffect(() => {
    if (!next?.asset) return;
    new Image().src = imageUrl(project, type, next.id);
    void client.prefetchQuery({ queryKey: keys.entry(project, type, next.id), queryFn: () => fetchEntry(project, type, next.id), staleTime: 5000 });
  }, [next, project, type, client]);

  const change = useCallback((d: Doc) => {
    commit(d);
    autosave.save();
  }, [commit, autosave]);

  const limits = settings.data ?? { min_box_side: 1, training_max_side: 1280 };
  const check = useCallback((r: Rect): string | null => boxProblem(r, W, H, limits.min_box_side, limits.training_max_side), [W, H, limits.min_box_side, limits.training_max_side]);

  const setBoxes = useCallback((fn: (boxes: EBox[]) => EBox[]) => change({ ...current.current, boxes: fn(current.current.boxes) }), [change, current]);

  const onDraw = useCallback((r: Rect) => {
    const rect = round(clampRect(r, W, H));
    const problem = check(rect);
    if (problem) return toast(problem, "error");
    if (!active) return toast("Create a label first (Labels pane), then draw.", "error");
    const box: EBox = { key: newKey(), label: active, ...rect };
    setBoxes((bs) => [...bs, box]);
    setSelected(box.key);
  }, [W, H, check, active, setBoxes, toast]);

  const onMove = useCallback((key: string, left: number, top: number) => {
    setBoxes((bs) => bs.map((b) => (b.key === key ? { ...b, ...round({ left, top, width: b.width, height: b.height }) } : b)));
  }, [setBoxes]);

  const onResize = useCallback((key: string, r: Rect) => {
    const rect = round(clampRect(r, W, H));
    const problem = check(rect);
    if (problem) {
      toast(problem, "error");
      history.reset({ ...current.current, boxes: [...current.current.boxes] }); // redraw the old size
      return;
    }
    setBoxes((bs) => bs.map((b) => (b.key === key ? { ...b, ...rect } : b)));
  }, [W, H, check, toast, setBoxes, history, current]);

  const setBoxLabel = useCallback((key: string, label: string) => {
    setActive(label);
    setBoxes((bs) => bs.map((b) => (b.key === key ? { ...b, label } : b)));
  }, [setBoxes]);
  const deleteBox = useCallback((key: string) => {
    setBoxes((bs) => bs.filter((b) => b.key !== key));
    setSelected((s) => (s === key ? null : s));
  }, [setBoxes]);
  const toggleLabel = useCallback((name: string) => {
    const d = current.current;
    change({ ...d, labels: d.labels.includes(name) ? d.labels.filter((l) => l !== name) : [...d.labels, name] });
  }, [change, current]);

  const copyPrevious = useCallback(async () => {
    const prev = items[index - 1];
    if (!prev) return toast("There is no previous image in this filter.", "error");
    const fresh = await fetchEntry(project, type, prev.id);
    const copied = fresh.boxes
      .map((b) => ({ key: newKey(), label: b.label, ...round(clampRect(b, W, H)) }))
      .filter((b) => !check(b));
    if (!copied.length) return toast("The previous image has no boxes to copy.");
    setBoxes((bs) => [...bs, ...copied]);
    toast(`Copied ${plural(copied.length, "box", "boxes")} from the previous image`);
  }, [items, index, project, type, W, H, check, setBoxes, toast]);

  const go = useCallback(async (delta: number) => {
    if (!(await autosave.settle())) return toast("Choose a version first: this image has a conflict.", "error");
    let list = items;
    const target = index + delta;
    if (target >= list.length && hasMore) {
      await loadMore();
      list = client.getQueriesData<{ pages: { items: Entry[] }[] }>({ queryKey: keys.entries(project, type) })
        .flatMap(([, d]) => d?.pages.flatMap((p) => p.items) ?? [])
        .filter((e, i, all) => all.findIndex((x) => x.id === e.id) === i);
    }
    const to = list[target];
    if (to) onNavigate(to.id);
    else toast(delta > 0 ? "This is the last image." : "This is the first image.");
  }, [autosave, items, index, hasMore, loadMore, client, project, type, onNavigate, toast]);

  const close = useCallback(async () => {
    if (await autosave.settle()) onClose();
    else toast("Choose a version first: this image has a conflict.", "error");
  }, [autosave, onClose, toast]);

  const zoom = useCallback((factor: number) => {
    const v = view;
    if (!v) return;
    const { w, h } = stageSize.current;
    const scale = Math.max(0.02, Math.min(40, v.scale * factor));
    const cx = (w / 2 - v.x) / v.scale;
    const cy = (h / 2 - v.y) / v.scale;
    setView({ scale, x: w / 2 - cx * scale, y: h / 2 - cy * scale });
  }, [view]);

  // A layout effect: its cleanup runs in the same commit that shows the next image, so a key
  // pressed right after navigating can never reach the previous image's editor.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target) || document.querySelector("[role=dialog]")) return;
      const ctrl = e.ctrlKey || e.metaKey;
      const key = e.key;
      let handled = true;
      if (ctrl && key.toLowerCase() === "z") {
        if (e.shiftKey ? history.redo() : history.undo()) autosave.save();
      } else if (ctrl && key.toLowerCase() === "y") {
        if (history.redo()) autosave.save();
      } else if (key === "ArrowRight") void go(1);
      else if (key === "ArrowLeft") void go(-1);
      else if (key === "Escape") {
        if (selected) setSelected(null);
        else void close();
      } else if ((key === "Delete" || key === "Backspace") && selected) deleteBox(selected);
      else if (/^Digit[1-9]$/.test(e.code) && !ctrl && !e.altKey) {
        const name = names[Number(e.code.slice(5)) - 1];
        if (!name) handled = false;
        else if (selected) setBoxLabel(selected, name);
        else toggleLabel(name);
      } else if (key === "h" || key === "H") setHidden((x) => !x);
      else if (key === "p" || key === "P") void copyPrevious();
      else if (key === "+" || key === "=") zoom(1.25);
      else if (key === "-") zoom(0.8);
      else if (key === "0") fit();
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const selectedBox = doc.boxes.find((b) => b.key === selected);
  const position = index >= 0 ? `${(index + 1).toLocaleString()} of ${(matching ?? items.length).toLocaleString()}` : "";
  return (
    <div className="editor" data-entry-id={entry.id}>
      <header className="editor-bar">
        <button onClick={() => void close()} title="Back to the gallery (Esc)">← Gallery</button>
        <button onClick={() => void go(-1)} disabled={index <= 0} title="Previous image (←)">‹ Prev</button>
        <button onClick={() => void go(1)} disabled={index < 0 || (index >= items.length - 1 && !hasMore)} title="Next image (→)">Next ›</button>
        <strong className="editor-title" title={entry.source_ref}>{fileName(entry.source_ref)}</strong>
        <span className="muted small editor-position">{position}</span>
        {entry.asset && <span className="muted small" title={`${W}×${H} px, EXIF orientation ${entry.asset.orientation}`}>{W}×{H} px{entry.asset.orientation !== 1 ? ` (EXIF orientation ${entry.asset.orientation}, shown upright)` : ""}</span>}
        <span className="spacer" />
        <SaveIndicator state={autosave.state} message={autosave.message} onRetry={autosave.save} />
        <button onClick={() => history.undo() && autosave.save()} title="Undo (Ctrl+Z)">↶ Undo</button>
        <button onClick={() => history.redo() && autosave.save()} title="Redo (Ctrl+Shift+Z)">↷ Redo</button>
        <span className="zoom">
          <button onClick={() => zoom(0.8)} title="Zoom out (−)" aria-label="Zoom out">−</button>
          <button onClick={fit} title="Fit the image to the screen (0)" data-testid="zoom-level">{view ? `${Math.round(view.scale * 100)}%` : "Fit"}</button>
          <button onClick={() => zoom(1.25)} title="Zoom in (+)" aria-label="Zoom in">+</button>
        </span>
      </header>
      <div className="editor-body">
        {entry.asset ? (
          <BoxStage image={image} imageW={W} imageH={H} boxes={doc.boxes} hidden={hidden} selected={selected} colors={colors}
            view={view} setView={setView}
            onSize={(w, h) => {
              const first = !stageSize.current.w;
              stageSize.current = { w, h };
              if (first || !view) fit();
            }}
            onSelect={setSelected} onMove={onMove} onResize={onResize} onDraw={onDraw} onRefuse={(m) => toast(m, "error")} />
        ) : (
          <div className="editor-error">
            <p>This entry has no image.</p>
            <ul>{entry.issues.map((i) => <li key={i.code}><code>{i.code}</code> {i.message}</li>)}</ul>
          </div>
        )}
        <aside className="editor-side">
          <section>
            <h3>Image labels</h3>
            <p className="muted small">Labels of the whole image; click or press the number to toggle.</p>
            <div className="label-toggles">
              {names.map((n, i) => (
                <button key={n} className={doc.labels.includes(n) ? "toggle on" : "toggle"} aria-pressed={doc.labels.includes(n)}
                  onClick={() => toggleLabel(n)} title={i < 9 ? `Press ${i + 1}` : undefined}>
                  {i < 9 && <kbd>{i + 1}</kbd>}
                  <i className="swatch" style={{ background: colors.get(n) }} /> {n}
                </button>
              ))}
              {!names.length && <p className="muted small">No labels in this project yet.</p>}
            </div>
          </section>
          <section>
            <h3>Boxes ({doc.boxes.length})</h3>
            <label className="block small">
              Drag on the image to draw a box labelled
              <select value={active} onChange={(e) => setActive(e.target.value)} aria-label="Label for new boxes">
                {names.map((n, i) => <option key={n} value={n}>{i < 9 ? `${i + 1} · ${n}` : n}</option>)}
              </select>
            </label>
            <div className="box-tools">
              <button className="small" onClick={() => setHidden((x) => !x)}>{hidden ? "Show boxes (H)" : "Hide boxes (H)"}</button>
              <button className="small" onClick={() => void copyPrevious()} disabled={index <= 0}
                title="Add the boxes of the previous image in this filter to this one">Copy previous image's boxes (P)</button>
            </div>
            {hidden && <p className="small warn" data-testid="boxes-hidden">Boxes are hidden: press H to show them.</p>}
            {selectedBox ? (
              <div className="selected-box" data-testid="selected-box">
                <div className="selected-head">
                  <i className="swatch" style={{ background: colors.get(selectedBox.label) }} />
                  <select value={selectedBox.label} aria-label="Label of the selected box" onChange={(e) => setBoxLabel(selectedBox.key, e.target.value)}>
                    {(names.includes(selectedBox.label) ? names : [selectedBox.label, ...names]).map((n) => {
                      const i = names.indexOf(n);
                      return <option key={n} value={n}>{i >= 0 && i < 9 ? `${i + 1} · ${n}` : n}</option>;
                    })}
                  </select>
                  <button className="small" onClick={() => deleteBox(selectedBox.key)} title="Delete the box (Delete)">Delete</button>
                </div>
                <p className="muted small">
                  {Math.round(selectedBox.width)}×{Math.round(selectedBox.height)} px at {Math.round(selectedBox.left)},{Math.round(selectedBox.top)}.
                  Drag it to move, its handles to resize; 1–9 relabel it, Esc deselects.
                </p>
              </div>
            ) : (
              doc.boxes.length > 0 && <p className="muted small">Click a box to select it.</p>
            )}
            <BoxList boxes={doc.boxes} selected={selected} colors={colors} onSelect={setSelected} onDelete={deleteBox} />
          </section>
          <EntryHistory project={project} type={type} entryId={entry.id} />
          <p className="muted small">Wheel or +/− to zoom, Space+drag or right-drag to pan, 0 to fit · ← → previous/next image · ? for all keys. Every change is saved at once.</p>
        </aside>
      </div>
      {autosave.conflict && (
        <ConflictDialog mine={autosave.conflict.mine} theirs={autosave.conflict.theirs}
          onKeep={(d) => {
            history.commit(d);
            autosave.resolve(d, autosave.conflict!.theirs);
          }} />
      )}
    </div>
  );
}

function SaveIndicator({ state, message, onRetry }: { state: string; message: string; onRetry: () => void }) {
  if (state === "saving") return <span className="save saving" data-save-state="saving">Saving…</span>;
  if (state === "conflict") return <span className="save conflict" data-save-state="conflict">Conflict: choose a version</span>;
  if (state === "error")
    return (
      <span className="save error" data-save-state="error" title={message}>
        Not saved: {message} <button className="small" onClick={onRetry}>Retry</button>
      </span>
    );
  return <span className="save saved" data-save-state="saved">✓ All changes saved</span>;
}
