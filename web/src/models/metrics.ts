// Precision, recall and F1 recomputed from a version's stored test scores, at any thresholds.
// The same definitions as the evaluation (training/evaluation.py): a prediction counts when
// its confidence reaches its label's threshold; classification counts each image-level label
// once per image; detection matches boxes of one label greedily by confidence at IoU >= 0.5.
import type { BoxRatios, Scored, TestImage, TestResults } from "./types";

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface LabelFigures extends Counts {
  label: string;
  images: number;
  precision: number;
  recall: number;
  f1: number;
}

/** A prediction or true box of one image, with what it turned out to be at the thresholds. */
export interface Marked {
  item: Scored;
  kind: "tp" | "fp" | "fn" | "below";
}

export interface ImageOutcome extends Counts {
  marks: Marked[];
}

export function iou(a: BoxRatios, b: BoxRatios): number {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  const inter = Math.max(0, w) * Math.max(0, h);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function isDetection(task: string): boolean {
  return task === "OBJECT_DETECTION";
}

/** Which true boxes each prediction (sorted by confidence, one label) matches, COCO's way. */
function matchBoxes(preds: Scored[], truths: Scored[], minIou: number): number[] {
  const taken = new Array<boolean>(truths.length).fill(false);
  return preds.map((p) => {
    let best = -1;
    let bestIou = Math.min(minIou, 1 - 1e-10);
    truths.forEach((t, g) => {
      if (taken[g] || !p.box || !t.box) return;
      const o = iou(p.box, t.box);
      if (o >= bestIou) {
        best = g;
        bestIou = o;
      }
    });
    if (best >= 0) taken[best] = true;
    return best;
  });
}

/** One image at the thresholds: its TP/FP/FN and every prediction and truth marked. */
export function outcome(image: TestImage, results: TestResults, thresholds: number[]): ImageOutcome {
  const index = new Map(results.label_names.map((n, i) => [n, i]));
  const threshold = (label: string) => thresholds[index.get(label) ?? 0] ?? 1;
  const marks: Marked[] = [];
  const below = image.predictions.filter((p) => (p.confidence ?? 0) < threshold(p.label));
  below.forEach((item) => marks.push({ item, kind: "below" }));
  const kept = image.predictions.filter((p) => (p.confidence ?? 0) >= threshold(p.label));
  if (isDetection(results.task)) {
    const iouMin = results.iou_threshold ?? 0.5;
    const labels = new Set([...kept.map((p) => p.label), ...image.true_boxes.map((b) => b.label)]);
    for (const label of labels) {
      const preds = kept.filter((p) => p.label === label).sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
      const truths = image.true_boxes.filter((b) => b.label === label);
      const matched = matchBoxes(preds, truths, iouMin);
      preds.forEach((item, i) => marks.push({ item, kind: matched[i] >= 0 ? "tp" : "fp" }));
      truths.forEach((item, g) => {
        if (!matched.includes(g)) marks.push({ item, kind: "fn" });
      });
    }
  } else {
    const said = new Map<string, Scored>();
    for (const p of kept) if (!said.has(p.label)) said.set(p.label, p);
    for (const item of said.values()) marks.push({ item, kind: image.true_labels.includes(item.label) ? "tp" : "fp" });
    for (const label of image.true_labels) {
      if (!said.has(label)) marks.push({ item: { label, confidence: null, box: null }, kind: "fn" });
    }
  }
  const count = (k: Marked["kind"]) => marks.filter((m) => m.kind === k).length;
  return { tp: count("tp"), fp: count("fp"), fn: count("fn"), marks };
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

export function figures(label: string, images: number, c: Counts): LabelFigures {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { label, images, ...c, precision, recall, f1 };
}

/** Per label: TP/FP/FN over the test images and precision, recall and F1 from them. */
export function labelFigures(results: TestResults, thresholds: number[], outcomes?: ImageOutcome[]): LabelFigures[] {
  const all = outcomes ?? results.images.map((im) => outcome(im, results, thresholds));
  return results.label_names.map((label) => {
    const c: Counts = { tp: 0, fp: 0, fn: 0 };
    for (const o of all) {
      for (const m of o.marks) if (m.item.label === label && m.kind !== "below") c[m.kind] += 1;
    }
    const images = results.images.filter(
      (im) => im.true_labels.includes(label) || im.true_boxes.some((b) => b.label === label),
    ).length;
    return figures(label, images, c);
  });
}

/** The service's overall figures: means over the labels that occur in the test images. */
export function overall(perLabel: LabelFigures[]): { precision: number; recall: number; f1: number } {
  const present = perLabel.filter((f) => f.images > 0);
  const scored = present.length ? present : perLabel;
  const mean = (key: "precision" | "recall" | "f1") =>
    scored.length ? scored.reduce((s, f) => s + f[key], 0) / scored.length : 0;
  return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1") };
}

export interface CurvePoint {
  threshold: number;
  precision: number;
  recall: number;
}

/** Every prediction of one label over the test images with whether it is right when all
 * of them are kept, and how many true items the label has. Greedy matching goes from the
 * highest confidence down, so the predictions kept at any threshold are matched as here. */
function scoredHits(results: TestResults, label: string): { hits: [number, boolean][]; truths: number } {
  const hits: [number, boolean][] = [];
  let truths = 0;
  const detection = isDetection(results.task);
  for (const im of results.images) {
    if (detection) {
      const preds = im.predictions.filter((p) => p.label === label).sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
      const trueBoxes = im.true_boxes.filter((b) => b.label === label);
      const matched = matchBoxes(preds, trueBoxes, results.iou_threshold ?? 0.5);
      preds.forEach((p, i) => hits.push([p.confidence ?? 0, matched[i] >= 0]));
      truths += trueBoxes.length;
    } else {
      const best = Math.max(-1, ...im.predictions.filter((p) => p.label === label).map((p) => p.confidence ?? 0));
      const isTrue = im.true_labels.includes(label);
      if (best >= 0) hits.push([best, isTrue]);
      truths += isTrue ? 1 : 0;
    }
  }
  return { hits: hits.sort((a, b) => b[0] - a[0]), truths };
}

/** A label's precision-recall curve: the figures with each distinct score as the threshold,
 * highest first (recall grows from left to right); at most about ``maxPoints`` points. */
export function prCurve(results: TestResults, labelIndex: number, maxPoints = 200): CurvePoint[] {
  const { hits, truths } = scoredHits(results, results.label_names[labelIndex]);
  const points: CurvePoint[] = [];
  let tp = 0;
  hits.forEach(([score, hit], i) => {
    tp += hit ? 1 : 0;
    if (i + 1 < hits.length && hits[i + 1][0] === score) return; // ties are kept together
    points.push({ threshold: score, precision: tp / (i + 1), recall: ratio(tp, truths) });
  });
  if (points.length <= maxPoints) return points;
  const every = points.length / maxPoints;
  return Array.from({ length: maxPoints }, (_, i) => points[Math.floor(i * every)]).concat(points[points.length - 1]);
}

/** Rows are true labels, as fractions of that label's test images: single-label takes the
 * top prediction, multi-label every label predicted at its threshold (as the evaluation does). */
export function confusion(results: TestResults, thresholds: number[]): number[][] {
  const names = results.label_names;
  const index = new Map(names.map((n, i) => [n, i]));
  const counts = names.map(() => names.map(() => 0));
  const rows = names.map(() => 0);
  for (const im of results.images) {
    const sorted = [...im.predictions].sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
    const predicted =
      results.task === "CLASSIFICATION"
        ? sorted.slice(0, 1).map((p) => index.get(p.label)!)
        : [...new Set(sorted.filter((p) => (p.confidence ?? 0) >= thresholds[index.get(p.label)!]).map((p) => index.get(p.label)!))];
    for (const t of im.true_labels) {
      const ti = index.get(t);
      if (ti === undefined) continue;
      rows[ti] += 1;
      for (const p of predicted) counts[ti][p] += 1;
    }
  }
  return counts.map((row, t) => row.map((c) => ratio(c, rows[t])));
}
