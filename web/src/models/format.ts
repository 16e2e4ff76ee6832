// How model figures and states read on screen.
import type { ModelVersion, TrainingProgress } from "./types";

/** 0..1 as a percentage with one decimal ("87.5%"); a dash when unknown. */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : `${(x * 100).toFixed(1)}%`;
}

export function seconds(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const STATUS_WORDS: Record<string, string> = {
  TRAINING_IN_PROGRESS: "training",
  TRAINING_COMPLETED: "trained",
  TRAINING_FAILED: "training failed",
  STARTING: "starting",
  RUNNING: "running",
  STOPPING: "stopping",
  STOPPED: "stopped",
  FAILED: "failed",
  DELETING: "deleting",
};

export function statusWord(status: string): string {
  return STATUS_WORDS[status] ?? status.toLowerCase();
}

export function statusClass(status: string): "ok" | "busy" | "error" | "" {
  if (status.endsWith("FAILED")) return "error";
  if (status === "RUNNING" || status === "TRAINING_COMPLETED") return "ok";
  if (status === "STOPPED") return "";
  return "busy";
}

/** A version that has a model: it trained to the end (training STOPPING has no end yet). */
export function isTrained(v: ModelVersion): boolean {
  return v.finished_at !== null && v.status !== "TRAINING_FAILED" && v.status !== "DELETING";
}

// The training's stage names, in words for people where the short name is unclear.
const STAGE_WORDS: Record<string, string> = { features: "computing image features" };

/** "epoch 3 of 10 · loss 0.213 · about 12 s left" from what the training reported. */
export function progressText(p: TrainingProgress): string {
  const parts = [STAGE_WORDS[p.stage] ?? p.stage];
  if (p.images !== undefined && p.of) parts.push(`${p.images} of ${p.of} images`);
  if (p.epoch && p.epochs) parts.push(`epoch ${p.epoch} of ${p.epochs}`);
  if (typeof p.loss === "number") parts.push(`loss ${p.loss.toFixed(3)}`);
  if (typeof p.eta_seconds === "number" && p.eta_seconds > 0) parts.push(`about ${seconds(p.eta_seconds)} left`);
  return parts.join(" · ");
}

export const TASK_WORDS: Record<string, string> = {
  CLASSIFICATION: "classification",
  MULTI_LABEL_CLASSIFICATION: "multi-label classification",
  OBJECT_DETECTION: "object detection",
};
