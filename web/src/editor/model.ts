// The editor's document: an entry's image-level labels and boxes, in upright image pixels.
import type { Box, Entry } from "../api/types";

export interface EBox {
  key: string; // stable on the client; server ids change when boxes are replaced
  label: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Doc {
  labels: string[];
  boxes: EBox[];
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

let counter = 0;
export const newKey = () => `b${++counter}`;

export function docOf(entry: Entry): Doc {
  return {
    labels: [...entry.labels],
    boxes: entry.boxes.map((b) => ({ key: newKey(), label: b.label, left: b.left, top: b.top, width: b.width, height: b.height })),
  };
}

const boxSig = (b: Box | EBox) => `${b.label}|${b.left}|${b.top}|${b.width}|${b.height}`;

export function sameBoxes(a: readonly EBox[], b: readonly EBox[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || boxSig(x) === boxSig(b[i]));
}

/** The PATCH body that turns ``saved`` into ``doc`` (null when nothing changed). */
export function changeBody(saved: Doc, doc: Doc): Record<string, unknown> | null {
  const add = doc.labels.filter((l) => !saved.labels.includes(l));
  const remove = saved.labels.filter((l) => !doc.labels.includes(l));
  const boxesChanged = !sameBoxes(saved.boxes, doc.boxes);
  if (!add.length && !remove.length && !boxesChanged) return null;
  return {
    add_labels: add,
    remove_labels: remove,
    ...(boxesChanged
      ? { boxes: doc.boxes.map(({ label, left, top, width, height }) => ({ label, left, top, width, height })) }
      : {}),
  };
}

/** Both versions together: every label of either, every box of either (no exact duplicates). */
export function combine(mine: Doc, theirs: Doc): Doc {
  const seen = new Set(theirs.boxes.map(boxSig));
  return {
    labels: [...new Set([...theirs.labels, ...mine.labels])],
    boxes: [...theirs.boxes, ...mine.boxes.filter((b) => !seen.has(boxSig(b)))],
  };
}

export function clampRect(r: Rect, w: number, h: number): Rect {
  const left = Math.max(0, Math.min(r.left, w));
  const top = Math.max(0, Math.min(r.top, h));
  const right = Math.max(0, Math.min(r.left + r.width, w));
  const bottom = Math.max(0, Math.min(r.top + r.height, h));
  return { left, top, width: right - left, height: bottom - top };
}

export const round = (r: Rect): Rect => ({
  left: Math.round(r.left * 100) / 100,
  top: Math.round(r.top * 100) / 100,
  width: Math.round(r.width * 100) / 100,
  height: Math.round(r.height * 100) / 100,
});

/**
 * Why the hosted service would refuse a box, or null. It wants each side larger than
 * ``minSide`` px once the image's longest side is scaled down to ``trainingMaxSide``.
 */
export function boxProblem(r: Rect, w: number, h: number, minSide: number, trainingMaxSide: number): string | null {
  if (r.left < 0 || r.top < 0 || r.left + r.width > w + 1e-6 || r.top + r.height > h + 1e-6) {
    return `The box goes outside the ${w}×${h} image.`;
  }
  const scale = Math.min(1, trainingMaxSide / Math.max(w, h));
  if (r.width * scale <= minSide || r.height * scale <= minSide) {
    const need = minSide / scale;
    return `The box (${r.width.toFixed(1)}×${r.height.toFixed(1)} px) is too small: boxes on this image must be larger than ${need.toFixed(1)}×${need.toFixed(1)} px.`;
  }
  return null;
}

/**
 * The box a press at image pixel (x, y) takes, within ``tolerance`` px of its edges: the
 * selected box when it is under the pointer (it is drawn on top), else the smallest one, so a
 * box inside a bigger box can still be picked. A linear scan: microseconds for thousands.
 */
export function boxAt(boxes: readonly EBox[], selected: string | null, x: number, y: number, tolerance: number): EBox | null {
  let best: EBox | null = null;
  let bestArea = Infinity;
  for (const b of boxes) {
    if (x < b.left - tolerance || y < b.top - tolerance || x > b.left + b.width + tolerance || y > b.top + b.height + tolerance) continue;
    if (b.key === selected) return b;
    const area = b.width * b.height;
    if (area < bestArea) {
      best = b;
      bestArea = area;
    }
  }
  return best;
}
