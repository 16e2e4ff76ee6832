import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { API, api, datasetPath, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import type { Job } from "../api/types";
import { useSession } from "../account/session";
import { Dialog } from "../components/Dialog";
import { useToast } from "../components/Toasts";
import { ExportJobProgress } from "./ExportJobProgress";

const FORMATS: [string, string][] = [
  ["groundtruth", "Ground Truth manifest (the hosted service's format)"],
  ["coco", "COCO"],
  ["yolo", "YOLO"],
  ["voc", "Pascal VOC"],
  ["folders", "Folders by label (classification)"],
];

type Destination = "download" | "s3" | "server";

export function ExportDialog({ project, type, onClose }: { project: string; type: string; onClose: () => void }) {
  const [format, setFormat] = useState("groundtruth");
  const [destination, setDestination] = useState<Destination>("download");
  const [bucket, setBucket] = useState("");
  const [prefix, setPrefix] = useState("");
  const [folder, setFolder] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  // Only admins may name folders on the server (the API refuses everyone else).
  const isAdmin = useSession().data?.role === "admin";
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const out = destination === "s3" ? `s3://${bucket}/${prefix.replace(/^\/+/, "")}` : folder;
  const start = useMutation({
    mutationFn: () =>
      api<Job>(`${datasetPath(project, type)}/exports`, {
        method: "POST",
        json: { format, out, overwrite: destination === "server" && overwrite },
      }),
    onSuccess: (job) => {
      setJobId(job.id);
      void invalidate();
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  const zipUrl = `${API}${datasetPath(project, type)}/export.zip?format=${encodeURIComponent(format)}`;
  const ready = destination === "s3" ? bucket.trim() !== "" : folder.trim() !== "";
  return (
    <Dialog title={`Export the ${type} dataset`} onClose={onClose}>
      <form className="source-form" onSubmit={(e) => { e.preventDefault(); start.mutate(); }}>
        <fieldset disabled={jobId !== null}>
          <legend>Format</legend>
          {FORMATS.map(([value, text]) => (
            <label key={value} className="check">
              <input type="radio" name="format" value={value} checked={format === value} onChange={() => setFormat(value)} />
              {text}
            </label>
          ))}
        </fieldset>
        <fieldset disabled={jobId !== null}>
          <legend>Where to</legend>
          <label className="check">
            <input type="radio" name="destination" checked={destination === "download"} onChange={() => setDestination("download")} />
            Download a zip (the images included)
          </label>
          <label className="check">
            <input type="radio" name="destination" checked={destination === "s3"} onChange={() => setDestination("s3")} />
            An S3 bucket
          </label>
          {isAdmin && (
            <label className="check">
              <input type="radio" name="destination" checked={destination === "server"} onChange={() => setDestination("server")} />
              A folder on the server
            </label>
          )}
        </fieldset>
        {destination === "download" && (
          <p className="muted small">
            The zip is written while it downloads. A Ground Truth manifest in it refers to the images beside it, so it
            imports as it is; to train on the hosted service, export to S3 instead.
          </p>
        )}
        {destination === "s3" && (
          <>
            <label>
              Bucket <input value={bucket} onChange={(e) => setBucket(e.target.value)} placeholder="my-bucket" required />
            </label>
            <label>
              Prefix <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="exports/shoes/" />
            </label>
            <p className="muted small">
              Images that are not in S3 yet (uploads, server files) are uploaded under the prefix too, and the manifest
              names them by their S3 addresses.
            </p>
          </>
        )}
        {destination === "server" && (
          <>
            <label>
              Folder on the server to write to{" "}
              <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/data/exports/shoes" required />
            </label>
            <p className="muted small">Inside the server's export folder (a relative path goes there).</p>
            <label className="check">
              {/* Without it the server refuses a manifest that exists or a folder that is not empty. */}
              <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
              Replace files already there
            </label>
          </>
        )}
        {jobId !== null && <ExportJobProgress jobId={jobId} />}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>{jobId === null ? "Cancel" : "Close"}</button>
          {destination === "download" ? (
            <a className="button primary" href={zipUrl} download>
              Download zip
            </a>
          ) : (
            jobId === null && <button className="primary" disabled={!ready || start.isPending}>Export</button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
