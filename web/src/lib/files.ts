// Files from a drop or a file input, with their paths relative to what the user picked.

export interface PickedFile {
  file: File;
  path: string; // relative path, "/"-separated, e.g. "train/boots/1.jpg"
}

const IMAGE = /\.(jpe?g|png|webp|bmp|tiff?|gif)$/i;

export function isImage(name: string): boolean {
  return IMAGE.test(name);
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers at most ~100 entries a call: read until it answers none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ file, path: prefix + entry.name });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** Every file of a drop, descending into dropped folders. */
export async function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(data.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return Array.from(data.files).map((file) => ({ file, path: file.name }));
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry, "", out);
  return out;
}

/** Files of an <input type=file> (with webkitdirectory they carry their relative path). */
export function filesFromInput(list: FileList): PickedFile[] {
  return Array.from(list).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * Paths for folder labels: the label is a file's first folder. When the user dropped one
 * folder that holds label folders (train/boots/1.jpg), that outer folder is dropped from the
 * paths, so the labels are the inner folders, as the user means.
 */
export function labelPaths(files: PickedFile[]): PickedFile[] {
  const tops = new Set(files.map((f) => (f.path.includes("/") ? f.path.split("/")[0] : "")));
  const nested = files.some((f) => f.path.split("/").length > 2);
  if (tops.size !== 1 || tops.has("") || !nested) return files;
  return files.map((f) => {
    const rest = f.path.split("/").slice(1).join("/");
    return { ...f, path: rest };
  });
}

export function folderLabel(path: string): string | null {
  const parts = path.split("/");
  return parts.length > 1 ? parts[0] : null;
}
