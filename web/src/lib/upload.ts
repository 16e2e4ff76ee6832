// Uploading many files: chunks of files per request, a few requests at a time, each retried.
import { API, csrfHeaders, datasetPath } from "../api/client";
import type { PickedFile } from "./files";

export interface UploadProgress {
  sentFiles: number;
  totalFiles: number;
  failedFiles: number;
  retries: number;
}

export interface UploadOptions {
  project: string;
  type: string;
  files: PickedFile[];
  folderLabels: boolean;
  onProgress: (p: UploadProgress) => void;
  chunkFiles?: number;
  chunkBytes?: number;
  parallel?: number;
  attempts?: number;
}

function chunk(files: PickedFile[], maxFiles: number, maxBytes: number): PickedFile[][] {
  const chunks: PickedFile[][] = [];
  let current: PickedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length && (current.length >= maxFiles || bytes + f.file.size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.file.size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function send(url: string, part: PickedFile[], folderLabels: boolean, session: number): Promise<void> {
  const form = new FormData();
  // Every request belongs to one session: the dataset is complete only when it is finished.
  form.append("session", String(session));
  for (const f of part) {
    form.append("files", f.file, f.file.name);
    form.append("paths", f.path);
  }
  form.append("folder_labels", String(folderLabels));
  // Labels come from the first folder of each path, however deep the file lies.
  form.append("folder_depth", "64");
  const response = await fetch(url, { method: "POST", body: form, headers: csrfHeaders("POST") });
  if (!response.ok) {
    const text = await response.text();
    throw new Error(`${response.status}: ${text.slice(0, 200)}`);
  }
}

/** Uploads every file; resolves with the final progress (failedFiles > 0 when some gave up). */
export async function uploadFiles(opts: UploadOptions): Promise<UploadProgress> {
  const { files, folderLabels, onProgress } = opts;
  const base = `${API}${datasetPath(opts.project, opts.type)}`;
  const url = `${base}/uploads`;
  // One job for the whole upload, titled with its file count and counting towards it.
  const opened = await fetch(`${base}/upload-sessions`, {
    method: "POST",
    headers: { ...csrfHeaders("POST"), "Content-Type": "application/json" },
    body: JSON.stringify({ files: files.length }),
  });
  if (!opened.ok) throw new Error(`${opened.status}: ${(await opened.text()).slice(0, 200)}`);
  const session = (await opened.json()).id as number;
  const chunks = chunk(files, opts.chunkFiles ?? 16, opts.chunkBytes ?? 24 * 1024 * 1024);
  const progress: UploadProgress = { sentFiles: 0, totalFiles: files.length, failedFiles: 0, retries: 0 };
  onProgress({ ...progress });
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const part = chunks[next++];
      const attempts = opts.attempts ?? 4;
      for (let attempt = 1; ; attempt++) {
        try {
          await send(url, part, folderLabels, session);
          progress.sentFiles += part.length;
          break;
        } catch {
          if (attempt >= attempts) {
            progress.failedFiles += part.length;
            break;
          }
          progress.retries += 1;
          await sleep(300 * 2 ** attempt);
        }
      }
      onProgress({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 3 }, worker));
  const finished = await fetch(`${base}/upload-sessions/${session}/finish`, { method: "POST", headers: csrfHeaders("POST") });
  if (!finished.ok) throw new Error(`${finished.status}: ${(await finished.text()).slice(0, 200)}`);
  return progress;
}
