import { Dialog } from "./Dialog";

const SECTIONS: [string, [string, string][]][] = [
  [
    "Gallery",
    [
      ["← → ↑ ↓", "move between images (Shift extends the selection)"],
      ["Click / Shift-click / Ctrl-click", "select one / a range / toggle one"],
      ["Ctrl+A", "select all images matching the filter"],
      ["1 – 9", "add or remove that label on the selection"],
      ["Enter or double-click", "open the image"],
      ["Ctrl+Z", "undo the last bulk label change"],
      ["Esc", "clear the selection"],
    ],
  ],
  [
    "Image",
    [
      ["drag on the image", "draw a box with the current label"],
      ["click a box, drag it / its handles", "select, move, resize"],
      ["1 – 9", "label of the selected box, or toggle an image-level label"],
      ["Delete / Backspace", "delete the selected box"],
      ["Ctrl+Z / Ctrl+Shift+Z", "undo / redo"],
      ["← →", "previous / next image (saved automatically)"],
      ["+ − 0, wheel", "zoom in / out / fit"],
      ["Space+drag or right-drag", "pan"],
      ["H", "hide or show all boxes"],
      ["P", "copy the previous image's boxes"],
      ["Esc", "deselect, then back to the gallery"],
    ],
  ],
];

export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="help-columns">
        {SECTIONS.map(([title, rows]) => (
          <table key={title} className="help">
            <caption>{title}</caption>
            <tbody>
              {rows.map(([key, what]) => (
                <tr key={key}>
                  <th>
                    <kbd>{key}</kbd>
                  </th>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
      <div className="dialog-actions">
        <button className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
