import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, datasetPath, errorText } from "../api/client";
import { useInvalidateProject, useProjects, useSettings } from "../api/hooks";
import { useToast } from "../components/Toasts";
import { UploadPanel } from "./UploadPanel";

type Source = "upload" | "folder" | "manifest" | "coco" | "yolo" | "voc" | "dataset" | "s3";

const SOURCES: [Source, string][] = [
  ["upload", "Upload from this computer"],
  ["folder", "Folder on the server"],
  ["manifest", "Ground Truth manifest"],
  ["coco", "COCO"],
  ["yolo", "YOLO"],
  ["voc", "Pascal VOC"],
  ["dataset", "Copy an existing dataset"],
  ["s3", "S3 prefix"],
];

const PATH_HELP: Partial<Record<Source, string>> = {
  folder: "A folder of images on the server, e.g. /data/shoes/train",
  coco: "A COCO annotations JSON file on the server",
  yolo: "A YOLO dataset folder (data.yaml, images/, labels/) on the server",
  voc: "A Pascal VOC folder (Annotations/, JPEGImages/) on the server",
  s3: "s3://bucket/prefix/",
};

interface Props {
  project: string;
  type: "TRAIN" | "TEST";
  onDone: () => void;
}

/** Create a dataset from each source the server offers (S3 appears once the server has it). */
export function CreateDatasetPanel({ project, type, onDone }: Props) {
  const settings = useSettings();
  const kinds = new Set(["upload", ...(settings.data?.source_kinds ?? [])]);
  const [source, setSource] = useState<Source>("upload");
  const [path, setPath] = useState("");
  const [root, setRoot] = useState("");
  const [folderLabels, setFolderLabels] = useState(true);
  const [inPlace, setInPlace] = useState(false);
  const [manifestFile, setManifestFile] = useState<File | null>(null);
  const [copyFrom, setCopyFrom] = useState("");
  const projects = useProjects();
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const base = datasetPath(project, type);

  const create = useMutation({
    mutationFn: async () => {
      if (source === "manifest" && manifestFile) {
        const lines = (await manifestFile.text()).split(/\r?\n/).filter((l) => l.trim());
        await api(base, { method: "POST", json: {} });
        return api(`${base}/updates`, { method: "POST", json: { lines, root: root || null } });
      }
      if (source === "dataset") {
        const [p, t] = copyFrom.split("|");
        return api(base, { method: "POST", json: { source: { kind: "dataset", project: p, type: t } } });
      }
      const spec: Record<string, unknown> = { kind: source, path };
      if (source === "folder") spec.folder_labels = folderLabels;
      if (source === "folder" && inPlace) spec.in_place = true;
      if (source === "manifest" && root) spec.root = root;
      return api(base, { method: "POST", json: { source: spec } });
    },
    onSuccess: async () => {
      toast(`Creating the ${type} dataset: follow its progress under Jobs`);
      await invalidate();
      onDone();
    },
    onError: (e) => toast(errorText(e), "error"),
  });

  const copyChoices =
    projects.data?.flatMap((p) =>
      p.datasets
        .filter((d) => !(p.name === project && d.dataset_type === type))
        .map((d) => ({ value: `${p.name}|${d.dataset_type}`, text: `${p.name} / ${d.dataset_type} (${d.total_entries} images)` })),
    ) ?? [];

  return (
    <div className="create-dataset" aria-label={`Create the ${type} dataset`}>
      <div className="tabs" role="tablist">
        {SOURCES.filter(([k]) => kinds.has(k)).map(([k, text]) => (
          <button key={k} role="tab" aria-selected={source === k} className={source === k ? "tab active" : "tab"}
            onClick={() => setSource(k)}>
            {text}
          </button>
        ))}
      </div>
      {source === "upload" ? (
        <UploadPanel project={project} type={type} onDone={onDone} />
      ) : (
        <form className="source-form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
          {source === "manifest" && (
            <>
              <label>
                Upload a manifest file{" "}
                <input type="file" accept=".manifest,.jsonl,.json,.txt" onChange={(e) => setManifestFile(e.target.files?.[0] ?? null)} />
              </label>
              <label>
                …or its path on the server{" "}
                <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/train.manifest" disabled={!!manifestFile} />
              </label>
              <label>
                Folder that holds the images (s3://bucket/key is looked up under it){" "}
                <input value={root} onChange={(e) => setRoot(e.target.value)} placeholder="/data/images" />
              </label>
            </>
          )}
          {source in PATH_HELP && (
            <label>
              {PATH_HELP[source]}{" "}
              <input value={path} onChange={(e) => setPath(e.target.value)} aria-label="Source path" required />
            </label>
          )}
          {source === "folder" && (
            <label className="check">
              <input type="checkbox" checked={folderLabels} onChange={(e) => setFolderLabels(e.target.checked)} />
              Use folder names as labels
            </label>
          )}
          {source === "folder" && (
            <label className="check">
              <input type="checkbox" checked={inPlace} onChange={(e) => setInPlace(e.target.checked)} />
              Leave the images where they are (no copy; a file changed later shows as an error)
            </label>
          )}
          {source === "dataset" && (
            <label>
              Copy the entries, labels and boxes of{" "}
              <select value={copyFrom} onChange={(e) => setCopyFrom(e.target.value)} required>
                <option value="">choose a dataset…</option>
                {copyChoices.map((c) => (
                  <option key={c.value} value={c.value}>{c.text}</option>
                ))}
              </select>
            </label>
          )}
          <button className="primary" disabled={create.isPending}>
            Create {type} dataset
          </button>
        </form>
      )}
    </div>
  );
}
