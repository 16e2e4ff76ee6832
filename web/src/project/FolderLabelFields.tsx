export interface FolderLabelOptions {
  folderLabels: boolean;
  /** Which folder level below the source names the label (1: the first folder). */
  labelLevel: number;
  /** Skip images more than this many folders deep; null reads every depth. */
  folderDepth: number | null;
}

interface Props {
  value: FolderLabelOptions;
  onChange: (value: FolderLabelOptions) => void;
}

/** The folder-label options of folder and S3 sources (the CLI's --folder-labels,
 * --label-level and --folder-depth). */
export function FolderLabelFields({ value, onChange }: Props) {
  return (
    <fieldset className="folder-labels">
      <label className="check">
        <input type="checkbox" checked={value.folderLabels}
          onChange={(e) => onChange({ ...value, folderLabels: e.target.checked })} />
        Use folder names as labels
      </label>
      {value.folderLabels && (
        <div className="row">
          <label>
            Label from folder level{" "}
            <input type="number" min={1} value={value.labelLevel} aria-label="Label level" style={{ width: 64 }}
              onChange={(e) => onChange({ ...value, labelLevel: Math.max(1, Number(e.target.value) || 1) })} />
          </label>
          <label>
            Skip images deeper than{" "}
            <input type="number" min={1} value={value.folderDepth ?? ""} placeholder="any" aria-label="Folder depth" style={{ width: 64 }}
              onChange={(e) => onChange({ ...value, folderDepth: e.target.value ? Math.max(1, Number(e.target.value)) : null })} />{" "}
            folders
          </label>
          <span className="muted small">
            Level 1: prefix/boot/x.jpg is labelled "boot"; level 2: prefix/shoes/boot/x.jpg is. Images with fewer folders get no label.
          </span>
        </div>
      )}
    </fieldset>
  );
}
