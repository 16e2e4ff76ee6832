// A Ground Truth manifest picked with its images: which image each line names, found among
// the files the user picked, so the images can be uploaded and the lines applied to them.
import type { PickedFile } from "./files";

export interface ManifestMatch {
  /** The manifest's lines with each matched source-ref pointing at its uploaded image. */
  lines: string[];
  /** The picked images that lines name (each once), to upload. */
  images: PickedFile[];
  /** Non-blank lines in the manifest. */
  lineCount: number;
  /** What is wrong, line by line, in the user's own words ("manifest line 15: ..."). */
  problems: string[];
}

const UPLOAD = "upload://";

/** The path an uploaded file gets on the server (as services/imports/uploads.py cleans it). */
function uploadedPath(path: string): string {
  return path.replace(/\\/g, "/").split("/").filter((p) => p && p !== ".").join("/");
}

/** Every tail of a path ("a/b/c.jpg", "b/c.jpg", "c.jpg"), longest first. */
function tails(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.map((_, i) => parts.slice(i).join("/"));
}

/** The part of a source-ref that names the image inside some folder. */
function refPath(ref: string): string {
  if (ref.startsWith("s3://")) return ref.slice(5);
  if (ref.startsWith("file://")) return ref.slice(7);
  return ref;
}

/**
 * Matches each line's source-ref to a picked image by the longest common tail of their
 * paths (s3://bucket/photos/a.jpg finds shoes/photos/a.jpg); a tail several images share
 * is ambiguous and does not match. Blank lines are kept so the server's line numbers are
 * the file's. Lines that are not JSON are sent as they are: the server keeps them as
 * entries with their error, and they are listed here first.
 */
export function matchManifest(text: string, picked: PickedFile[]): ManifestMatch {
  const byTail = new Map<string, PickedFile | null>();
  for (const file of picked) {
    for (const tail of tails(uploadedPath(file.path))) {
      byTail.set(tail, byTail.has(tail) && byTail.get(tail) !== file ? null : file);
    }
  }
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const images = new Set<PickedFile>();
  const problems: string[] = [];
  let lineCount = 0;
  const out = lines.map((line, index) => {
    const number = index + 1;
    if (!line.trim()) return line;
    lineCount += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.replace(/^\uFEFF/, ""));
    } catch (e) {
      problems.push(`manifest line ${number}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      return line;
    }
    const ref = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>)["source-ref"] : undefined;
    if (typeof ref !== "string" || !ref.trim()) {
      problems.push(`manifest line ${number}: no source-ref naming its image`);
      return line;
    }
    if (ref.startsWith(UPLOAD)) return line;
    const found = tails(refPath(ref)).map((t) => byTail.get(t)).find((f) => f !== undefined);
    if (!found) {
      problems.push(
        found === null
          ? `manifest line ${number}: image ${ref} matches several of the images you picked`
          : `manifest line ${number}: image ${ref} not found among the images you picked`,
      );
      return line;
    }
    images.add(found);
    const obj = parsed as Record<string, unknown>;
    obj["source-ref"] = UPLOAD + uploadedPath(found.path);
    return JSON.stringify(obj);
  });
  return { lines: out, images: [...images], lineCount, problems };
}
