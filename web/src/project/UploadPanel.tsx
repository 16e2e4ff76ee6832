import { useRef, useState } from "react";
import { errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import { ProgressBar } from "../components/ProgressBar";
import { useToast } from "../components/Toasts";
import { filesFromDrop, filesFromInput, folderLabel, isImage, labelPaths, type PickedFile } from "../lib/files";
import { uploadFiles, type UploadProgress } from "../lib/upload";
import { plural } from "../lib/plural";

interface Props {
  project: string;
  type: string;
  onDone?: () => void;
}

/** Drag-and-drop (files and folders) or pick; uploaded in parallel chunks with retries. */
export function UploadPanel({ project, type, onDone }: Props) {
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [ignored, setIgnored] = useState(0);
  const [folderLabels, setFolderLabels] = useState(true);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const invalidate = useInvalidateProject(project);
  const toast = useToast();

  const take = (files: PickedFile[]) => {
    const images = files.filter((f) => isImage(f.path));
    setIgnored(files.length - images.length);
    setPicked(labelPaths(images));
    setProgress(null);
  };
  const labels = new Map<string, number>();
  for (const f of picked) {
    const l = folderLabel(f.path);
    if (l) labels.set(l, (labels.get(l) ?? 0) + 1);
  }
  const start = async () => {
    setBusy(true);
    try {
      const result = await uploadFiles({ project, type, files: picked, folderLabels, onProgress: setProgress });
      if (result.failedFiles) toast(`${plural(result.failedFiles, "file")} could not be uploaded after retries`, "error");
      else toast(`Uploaded ${plural(result.sentFiles, "image")}`);
      await invalidate();
      if (!result.failedFiles) {
        setPicked([]);
        onDone?.();
      }
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="upload">
      <div
        className={over ? "dropzone over" : "dropzone"}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void filesFromDrop(e.dataTransfer).then(take);
        }}
      >
        <p>
          <strong>Drop images or folders here</strong>, or{" "}
          <button type="button" className="link" onClick={() => fileInput.current?.click()}>
            choose files
          </button>{" "}
          /{" "}
          <button type="button" className="link" onClick={() => folderInput.current?.click()}>
            choose a folder
          </button>
          . Any number of files: JPEG, PNG, WebP, BMP, TIFF, GIF.
        </p>
        <input ref={fileInput} type="file" multiple accept="image/*" hidden data-testid="file-input"
          onChange={(e) => e.target.files && take(filesFromInput(e.target.files))} />
        <input ref={folderInput} type="file" multiple hidden data-testid="folder-input"
          {...({ webkitdirectory: "" } as Record<string, string>)}
          onChange={(e) => e.target.files && take(filesFromInput(e.target.files))} />
      </div>
      {picked.length > 0 && (
        <div className="upload-summary">
          <p>
            <strong>{plural(picked.length, "image")}</strong> ready
            {ignored > 0 && <span className="muted"> ({ignored} other files ignored)</span>}.
          </p>
          <label className="check">
            <input type="checkbox" checked={folderLabels} onChange={(e) => setFolderLabels(e.target.checked)} />
            Use folder names as labels
          </label>
          {folderLabels && labels.size > 0 && (
            <p className="muted">
              Labels from folders:{" "}
              {[...labels].map(([l, n]) => `${l} (${n})`).join(", ")}
            </p>
          )}
          {folderLabels && labels.size === 0 && <p className="muted">These files are in no folder: they get no label.</p>}
          <button className="primary" disabled={busy} onClick={() => void start()}>
            Upload {plural(picked.length, "image")}
          </button>
        </div>
      )}
      {progress && (
        <ProgressBar done={progress.sentFiles} total={progress.totalFiles}
          label={progress.retries ? `Uploading (${progress.retries} retries)` : "Uploading"} />
      )}
    </div>
  );
}
