import { useEffect, useState } from "react";
import { filesFromInput, isImage, type PickedFile } from "../lib/files";
import { matchManifest, type ManifestMatch } from "../lib/manifestImages";

interface Props {
  onChange: (match: ManifestMatch | null) => void;
}

/** Pick a manifest file and its images (files or a folder); says at once which lines miss. */
export function ManifestUploadFields({ onChange }: Props) {
  const [manifest, setManifest] = useState<File | null>(null);
  const [images, setImages] = useState<PickedFile[]>([]);
  const [match, setMatch] = useState<ManifestMatch | null>(null);

  useEffect(() => {
    let live = true;
    if (!manifest) {
      setMatch(null);
      onChange(null);
      return;
    }
    void manifest.text().then((text) => {
      if (!live) return;
      const found = matchManifest(text, images);
      setMatch(found);
      onChange(found);
    });
    return () => {
      live = false;
    };
  }, [manifest, images, onChange]);

  const takeImages = (list: FileList | null) => setImages(list ? filesFromInput(list).filter((f) => isImage(f.path)) : []);
  return (
    <>
      <label>
        <span>Manifest file <abbr title="required">*</abbr></span>
        <input type="file" accept=".manifest,.jsonl,.json,.txt" required data-testid="manifest-file"
          onChange={(e) => setManifest(e.target.files?.[0] ?? null)} />
      </label>
      <fieldset className="image-pick">
        <legend>Its images <abbr title="required when the manifest adds new images">*</abbr></legend>
        <label>
          Choose image files <input type="file" multiple accept="image/*" data-testid="manifest-images"
            onChange={(e) => takeImages(e.target.files)} />
        </label>
        <label>
          …or a folder <input type="file" multiple data-testid="manifest-image-folder"
            {...({ webkitdirectory: "" } as Record<string, string>)} onChange={(e) => takeImages(e.target.files)} />
        </label>
        <span className="muted small">
          Each line's source-ref (s3://bucket/photos/a.jpg or photos/a.jpg) is matched to the picked image with the
          same path ending. Lines for images the dataset already holds need no file.
        </span>
      </fieldset>
      {match && (
        <div className="manifest-check" data-testid="manifest-check">
          <p>
            {match.lineCount} lines, {match.images.length} of your {images.length} images named.
          </p>
          {match.problems.length > 0 && (
            <div className="error" role="alert">
              <strong>{match.problems.length} lines have a problem:</strong>
              <ul>
                {match.problems.slice(0, 8).map((p) => <li key={p}>{p}</li>)}
                {match.problems.length > 8 && <li>…and {match.problems.length - 8} more</li>}
              </ul>
            </div>
          )}
        </div>
      )}
    </>
  );
}
