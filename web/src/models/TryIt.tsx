import { useEffect, useState } from "react";
import { errorText } from "../api/client";
import { labelColor } from "./colors";
import { detect, useVersionAction } from "./hooks";
import type { Detection, ModelVersion } from "./types";

// A weak model at a low threshold finds dozens of boxes: list and draw the most confident.
const MAX_SHOWN = 20;

interface Tried {
  file: File;
  url: string;
  found: Detection[] | null;
  error: string | null;
}

/** What the model sees in one image, shown over it (boxes) or beside it (labels). */
function Result({ tried, version, thresholds }: { tried: Tried; version: ModelVersion; thresholds: number[] }) {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const index = new Map(version.label_names.map((n, i) => [n, i]));
  // The service answers every label (min confidence 0); shown are those at the chosen thresholds.
  const passing = (tried.found ?? []).filter((d) => d.confidence / 100 >= (thresholds[index.get(d.name) ?? -1] ?? 0));
  const shown = passing.slice(0, MAX_SHOWN);
  return (
    <div className="try-result">
      <div className="try-image">
        <img src={tried.url} alt={tried.file.name} onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })} />
        {size && (
          <svg className="thumb-boxes" viewBox={`0 0 ${size.w} ${size.h}`} preserveAspectRatio="xMidYMid meet">
            {shown.filter((d) => d.box).map((d, i) => (
              <g key={i}>
                <rect x={d.box!.left * size.w} y={d.box!.top * size.h} width={d.box!.width * size.w} height={d.box!.height * size.h}
                  stroke={labelColor(index.get(d.name) ?? 0)} vectorEffect="non-scaling-stroke" />
              </g>
            ))}
          </svg>
        )}
      </div>
      <div>
        <div className="try-name">{tried.file.name}</div>
        {tried.found === null && !tried.error && <p className="muted">Detecting…</p>}
        {tried.error && <p className="error">{tried.error}</p>}
        {tried.found && (
          <ul className="detections" data-testid="detections">
            {shown.map((d, i) => (
              <li key={i} data-label={d.name}>
                <i className="swatch" style={{ background: labelColor(index.get(d.name) ?? 0) }} /> <b>{d.name}</b> {d.confidence.toFixed(1)}%
              </li>
            ))}
            {shown.length === 0 && <li className="muted">Nothing at the chosen thresholds.</li>}
            {passing.length > shown.length && (
              <li className="muted">and {passing.length - shown.length} less confident ones</li>
            )}
          </ul>
        )}
      </div>
    </div>
  );
}

/** Drop an image (or pick one) and see the running version's detections. */
export function TryIt({ project, version, thresholds }: { project: string; version: ModelVersion; thresholds: number[] }) {
  const [tried, setTried] = useState<Tried | null>(null);
  const [over, setOver] = useState(false);
  const action = useVersionAction(project);
  const url = tried?.url;
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  const run = (file: File) => {
    const next: Tried = { file, url: URL.createObjectURL(file), found: null, error: null };
    setTried(next);
    detect(project, version.name, file, 0).then(
      (found) => setTried((t) => (t?.url === next.url ? { ...t, found } : t)),
      (e) => setTried((t) => (t?.url === next.url ? { ...t, error: errorText(e) } : t)),
    );
  };
  const running = version.status === "RUNNING";
  return (
    <div className="card try-it">
      <h2>Try it</h2>
      {!running && (
        <p className="muted">
          The version answers detections once it is started.{" "}
          {["TRAINING_COMPLETED", "STOPPED", "FAILED"].includes(version.status) && (
            <button disabled={action.isPending} onClick={() => action.mutate({ action: "start", version: version.name })}>Start {version.name}</button>
          )}
          {version.status === "STARTING" && "Starting…"}
        </p>
      )}
      {running && (
        <label className={`dropzone${over ? " over" : ""}`} data-testid="try-dropzone"
          onDragOver={(e) => { e.preventDefault(); setOver(true); }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => { e.preventDefault(); setOver(false); const f = e.dataTransfer.files[0]; if (f) run(f); }}>
          Drop an image here, or <u>choose one</u>
          <input type="file" accept="image/*" hidden aria-label="Image to try" onChange={(e) => { const f = e.target.files?.[0]; if (f) run(f); }} />
        </label>
      )}
      {tried && <Result tried={tried} version={version} thresholds={thresholds} />}
    </div>
  );
}
