import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, datasetPath, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import { Dialog } from "../components/Dialog";
import { useToast } from "../components/Toasts";

const FORMATS: [string, string][] = [
  ["groundtruth", "Ground Truth manifest (the hosted service's format)"],
  ["coco", "COCO"],
  ["yolo", "YOLO"],
  ["voc", "Pascal VOC"],
  ["folders", "Folders by label (classification)"],
];

export function ExportDialog({ project, type, onClose }: { project: string; type: string; onClose: () => void }) {
  const [format, setFormat] = useState("groundtruth");
  const [out, setOut] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const start = useMutation({
    mutationFn: () => api(`${datasetPath(project, type)}/exports`, { method: "POST", json: { format, out, overwrite } }),
    onSuccess: () => {
      toast("Export started: see Jobs");
      void invalidate();
      onClose();
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  return (
    <Dialog title={`Export the ${type} dataset`} onClose={onClose}>
      <form className="source-form" onSubmit={(e) => { e.preventDefault(); start.mutate(); }}>
        <fieldset>
          <legend>Format</legend>
          {FORMATS.map(([value, text]) => (
            <label key={value} className="check">
              <input type="radio" name="format" value={value} checked={format === value} onChange={() => setFormat(value)} />
              {text}
            </label>
          ))}
        </fieldset>
        <label>
          Folder on the server to write to{" "}
          <input value={out} onChange={(e) => setOut(e.target.value)} placeholder="/data/exports/shoes" required />
        </label>
        <p className="muted small">Inside the server's export folder (a relative path goes there).</p>
        <label className="check">
          {/* Without it the server refuses a manifest that exists or a folder that is not empty. */}
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Replace files already there
        </label>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!out || start.isPending}>Export</button>
        </div>
      </form>
    </Dialog>
  );
}
