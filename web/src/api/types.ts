// Shapes of the REST API under /api/v1 (see src/customlabels/api/schemas.py).

export interface DatasetOverview {
  dataset_type: "TRAIN" | "TEST";
  status: string;
  status_message: string;
  total_entries: number;
  labeled_entries: number;
  error_entries: number;
}

export interface ProjectOverview {
  name: string;
  created_at: string;
  label_count: number;
  active_jobs: number;
  datasets: DatasetOverview[];
}

export interface DatasetInfo {
  project: string;
  dataset_type: string;
  status: string;
  status_message: string;
  status_message_code: string;
  stats: {
    labeled_entries: number;
    total_entries: number;
    total_labels: number;
    error_entries: number;
  };
  source: Record<string, unknown>;
}

export interface Job {
  id: number;
  kind: string;
  /** What the user did ("Upload of 60 files to TRAIN"); empty for jobs made before titles. */
  title: string;
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";
  done: number;
  total: number | null;
  error_count: number;
  message: string;
  result: Record<string, unknown>;
  created_at: string;
  finished_at: string | null;
}

export interface DatasetLabel {
  name: string;
  color: string;
  entry_count: number;
  box_count: number;
}

export interface LabelUsage {
  name: string;
  image_labels: number;
  boxes: number;
}

export interface Box {
  id?: number;
  label: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Set on a box a model predicted and nobody reviewed yet (0-100). */
  confidence?: number | null;
}

export interface Asset {
  sha256: string;
  format: string;
  width: number;
  height: number;
  raw_width: number;
  raw_height: number;
  orientation: number;
}

export interface Issue {
  code: string;
  message: string;
  severity: string;
}

export interface Entry {
  id: number;
  source_ref: string;
  version: number;
  is_labeled: boolean;
  has_errors: boolean;
  labels: string[];
  boxes: Box[];
  issues: Issue[];
  asset: Asset | null;
  /** Image-level labels a model predicted, not reviewed yet, by confidence (0-100). */
  predicted_labels?: Record<string, number>;
  has_predictions?: boolean;
}

export interface EntryPage {
  items: Entry[];
  next_token: string | null;
}

/** One change of an entry from the audit log: actor is a user, "cli:<os user>" or "system". */
export interface HistoryItem {
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface EntryHistory {
  items: HistoryItem[];
}

export type IdRuns = [number, number][];

export interface BulkChange {
  matched: number;
  added: Record<string, IdRuns>;
  removed: Record<string, IdRuns>;
}

export interface ConsoleSettings {
  source_kinds: string[];
  min_box_side: number;
  training_max_side: number;
  page_size_max: number;
}
