import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, ApiError, datasetPath, errorText } from "../api/client";
import { useInvalidateProject, useProjects, useSettings } from "../api/hooks";
import { useSession } from "../account/session";
import { useToast } from "../components/Toasts";
import type { ManifestMatch } from "../lib/manifestImages";
import { uploadFiles } from "../lib/upload";
import { FolderLabelFields, type FolderLabelOptions } from "./FolderLabelFields";
import { ManifestUploadFields } from "./ManifestUploadFields";
import { UploadPanel } from "./UploadPanel";
import { plural } from "../lib/plural";

type Source = "upload" | "manifest" | "s3" | "dataset" | "folder" | "coco" | "yolo" | "voc";
type ManifestFrom = "upload" | "s3" | "server";

// Server paths are for admins only (api/server_paths.py): those tabs are shown to them alone.
const SOURCES: [Source, string, boolean][] = [
  ["upload", "Upload from this computer", false],
  ["manifest", "Ground Truth manifest", false],
  ["s3", "S3 prefix", false],
  ["dataset", "Copy an existing dataset", false],
  ["folder", "Folder on the server", true],
  ["coco", "COCO (server)", true],
  ["yolo", "YOLO (server)", true],
  ["voc", "Pascal VOC (server)", true],
];

const PATH_HELP: Partial<Record<Source, [string, string]>> = {
  folder: ["A folder of images on the server", "/data/shoes/train"],
  coco: ["A COCO annotations JSON file on the server", "/data/coco/instances.json"],
  yolo: ["A YOLO dataset folder (data.yaml, images/, labels/) on the server", "/data/yolo"],
  voc: ["A Pascal VOC folder (Annotations/, JPEGImages/) on the server", "/data/voc"],
  s3: ["The S3 prefix to import", "s3://bucket/prefix/"],
};

interface Props {
  project: string;
  type: "TRAIN" | "TEST";
  /** Add to the existing dataset (its entries are kept; same source-refs are replaced). */
  existing?: boolean;
  onDone: () => void;
}

/** Whether the dataset exists now: a failed try may have created it, so a retry adds to it. */
async function datasetExists(base: string): Promise<boolean> {
  try {
    await api(base);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    throw e;
  }
}

function s3Problem(uri: string, what: "prefix" | "object"): string | null {
  if (!/^s3:\/\/[^/]+(\/|$)/.test(uri)) return "an S3 address starts with s3://bucket/";
  if (what === "object" && uri.endsWith("/")) return "name the manifest object itself: s3://bucket/path/x.manifest";
  return null;
}

/** Create a dataset, or add to one, from every source the console offers. */
export function CreateDatasetPanel({ project, type, existing = false, onDone }: Props) {
  const settings = useSettings();
  const session = useSession();
  const admin = session.data?.role === "admin";
  const kinds = new Set(["upload", ...(settings.data?.source_kinds ?? [])]);
  const [source, setSource] = useState<Source>("upload");
  const [manifestFrom, setManifestFrom] = useState<ManifestFrom>("upload");
  const [path, setPath] = useState("");
  const [root, setRoot] = useState("");
  const [labels, setLabels] = useState<FolderLabelOptions>({ folderLabels: true, labelLevel: 1, folderDepth: null });
  const [match, setMatch] = useState<ManifestMatch | null>(null);
  const [anyway, setAnyway] = useState(false);
  const [inPlace, setInPlace] = useState(false);
  const [copyFrom, setCopyFrom] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const projects = useProjects();
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const base = datasetPath(project, type);
  const verb = existing ? "Add to" : "Create";

  const spec = (): Record<string, unknown> => {
    if (source === "dataset") {
      const [p, t] = copyFrom.split("|");
      return { kind: "dataset", project: p, type: t };
    }
    if (source === "manifest") return { kind: "manifest", path: path.trim(), ...(root.trim() ? { root: root.trim() } : {}) };
    const out: Record<string, unknown> = source === "s3" ? { kind: "s3", uri: path.trim() } : { kind: source, path: path.trim() };
    if (source === "s3" || source === "folder") {
      out.folder_labels = labels.folderLabels;
      if (labels.folderLabels) {
        out.label_level = labels.labelLevel;
        if (labels.folderDepth) out.folder_depth = labels.folderDepth;
      }
    }
    if (source === "folder" && inPlace) out.in_place = true;
    return out;
  };

  /** What the form lacks, said before anything is created; null when it may be sent. */
  const invalid = (): string | null => {
    if (source === "manifest" && manifestFrom === "upload") {
      if (!match) return "choose the manifest file";
      if (!match.lineCount) return "the manifest has no lines";
      if (match.problems.length && !anyway) return "fix the lines listed, or choose to import them anyway";
      return null;
    }
    if (source === "dataset") return copyFrom ? null : "choose the dataset to copy";
    if (!path.trim()) return source === "manifest" ? "give the manifest's address" : "give the source's address";
    if (source === "s3") return s3Problem(path.trim(), "prefix");
    if (source === "manifest" && manifestFrom === "s3") return s3Problem(path.trim(), "object");
    return null;
  };

  const send = useMutation({
    mutationFn: async () => {
      const exists = existing || (await datasetExists(base));
      if (source === "manifest" && manifestFrom === "upload" && match) {
        if (!match.images.length && !exists) {
          // One create job, named after the file (not an empty dataset, then an update).
          return api(base, { method: "POST", json: { manifest: { lines: match.lines, name: "uploaded manifest", root: null } } });
        }
        if (match.images.length) {
          const sent = await uploadFiles({ project, type, files: match.images, folderLabels: false, onProgress: () => {} });
          if (sent.failedFiles) throw new Error(`${sent.failedFiles} images could not be uploaded; try again`);
        } else if (!exists) {
          await api(base, { method: "POST", json: {} });
        }
        return api(`${base}/updates`, { method: "POST", json: { lines: match.lines } });
      }
      // A dataset left by an earlier try (or the one the user adds to) gets the source added.
      if (exists) return api(`${base}/updates`, { method: "POST", json: { source: spec() } });
      return api(base, { method: "POST", json: { source: spec() } });
    },
    onSuccess: async () => {
      setProblem(null);
      toast(`${existing ? "Adding to" : "Creating"} the ${type} dataset: follow its progress under Jobs`);
      await invalidate();
      onDone();
    },
    onError: async (e) => {
      setProblem(errorText(e));
      await invalidate();
    },
  });

  const submit = () => {
    const why = invalid();
    setProblem(why);
    if (!why) send.mutate();
  };

  const copyChoices =
    projects.data?.flatMap((p) =>
      p.datasets
        .filter((d) => !(p.name === project && d.dataset_type === type))
        .map((d) => ({ value: `${p.name}|${d.dataset_type}`, text: `${p.name} / ${d.dataset_type} (${plural(d.total_entries, "image")})` })),
    ) ?? [];
  const help = PATH_HELP[source];

  return (
    <div className="create-dataset" aria-label={`${verb} the ${type} dataset`}>
      <div className="tabs" role="tablist">
        {SOURCES.filter(([k, , serverOnly]) => kinds.has(k) && (admin || !serverOnly)).map(([k, text]) => (
          <button key={k} type="button" role="tab" aria-selected={source === k} className={source === k ? "tab active" : "tab"}
            onClick={() => { setSource(k); setProblem(null); }}>
            {text}
          </button>
        ))}
      </div>
      {source === "upload" ? (
        <UploadPanel project={project} type={type} onDone={onDone} />
      ) : (
        <form className="source-form" noValidate onSubmit={(e) => { e.preventDefault(); submit(); }}>
          {source === "manifest" && (
            <div className="tabs small" role="radiogroup" aria-label="Where the manifest is">
              {([["upload", "Upload it with its images"], ["s3", "From S3"], ...(admin ? [["server", "On the server"]] : [])] as [ManifestFrom, string][]).map(([k, text]) => (
                <label key={k} className="check">
                  <input type="radio" name="manifest-from" checked={manifestFrom === k} onChange={() => { setManifestFrom(k); setProblem(null); }} />
                  {text}
                </label>
              ))}
            </div>
          )}
          {source === "manifest" && manifestFrom === "upload" && (
            <>
              <ManifestUploadFields onChange={setMatch} />
              {match && match.problems.length > 0 && (
                <label className="check">
                  <input type="checkbox" checked={anyway} onChange={(e) => setAnyway(e.target.checked)} />
                  Import anyway: those lines become entries that show their error
                </label>
              )}
            </>
          )}
          {source === "manifest" && manifestFrom === "s3" && (
            <label>
              <span>The manifest's S3 address <abbr title="required">*</abbr></span>
              <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="s3://bucket/train.manifest" aria-label="Manifest S3 address" />
              <span className="muted small">Its s3:// images are read from S3.</span>
            </label>
          )}
          {source === "manifest" && manifestFrom === "server" && (
            <>
              <label>
                <span>The manifest's path on the server <abbr title="required">*</abbr></span>
                <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/train.manifest" aria-label="Manifest path" />
              </label>
              <label>
                <span>Folder that holds its images (optional)</span>
                <input value={root} onChange={(e) => setRoot(e.target.value)} placeholder="/data/images" aria-label="Image folder" />
                <span className="muted small">
                  Left empty, images are looked for next to the manifest: photos/a.jpg as &lt;manifest's folder&gt;/photos/a.jpg,
                  s3://bucket/photos/a.jpg as bucket/photos/a.jpg, then photos/a.jpg, under it.
                </span>
              </label>
            </>
          )}
          {help && (
            <label>
              <span>{help[0]} <abbr title="required">*</abbr></span>
              <input value={path} onChange={(e) => setPath(e.target.value)} aria-label="Source path" placeholder={help[1]} />
            </label>
          )}
          {(source === "folder" || source === "s3") && <FolderLabelFields value={labels} onChange={setLabels} />}
          {source === "folder" && (
            <label className="check">
              <input type="checkbox" checked={inPlace} onChange={(e) => setInPlace(e.target.checked)} />
              Leave the images where they are (no copy; a file changed later shows as an error)
            </label>
          )}
          {source === "dataset" && (
            <label>
              <span>Copy the entries, labels and boxes of <abbr title="required">*</abbr></span>
              <select value={copyFrom} onChange={(e) => setCopyFrom(e.target.value)} aria-label="Dataset to copy">
                <option value="">choose a dataset…</option>
                {copyChoices.map((c) => (
                  <option key={c.value} value={c.value}>{c.text}</option>
                ))}
              </select>
            </label>
          )}
          {problem && <p className="error" role="alert" data-testid="source-problem">{problem}</p>}
          <button className="primary" disabled={send.isPending}>
            {send.isPending ? "Working…" : problem && !invalid() ? `Try again: ${verb.toLowerCase()} ${type} dataset` : `${verb} ${type} dataset`}
          </button>
        </form>
      )}
    </div>
  );
}
