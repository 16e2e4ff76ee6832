// Shapes of the model version routes (see src/customlabels/api/schemas_models.py).

export type VersionStatus =
  | "TRAINING_IN_PROGRESS"
  | "TRAINING_COMPLETED"
  | "TRAINING_FAILED"
  | "STARTING"
  | "RUNNING"
  | "STOPPING"
  | "STOPPED"
  | "FAILED"
  | "DELETING";

/** What the training job reports as it goes (stage always; the rest when known). */
export interface TrainingProgress {
  stage: string;
  fraction?: number;
  epoch?: number;
  epochs?: number;
  loss?: number | null;
  eta_seconds?: number | null;
  images?: number;
  of?: number;
}

export interface LabelEvaluation {
  Label: string;
  NumberOfTestingImages: number;
  Metrics: { F1Score: number; Precision: number; Recall: number; Threshold: number };
}

export interface ConfusionCell {
  GroundTruthLabel: string;
  PredictedLabel: string;
  Value: number;
}

/** The hosted service's evaluation summary file, with our additions. */
export interface EvaluationSummary {
  AggregatedEvaluationResults: {
    F1Score: number;
    Precision: number;
    Recall: number;
    AveragePrecision?: number;
    ConfusionMatrix?: ConfusionCell[];
  };
  EvaluationDetails: { NumberOfTestingImages?: number; NumberOfTrainingImages?: number; Labels?: string[] };
  LabelEvaluationResults: LabelEvaluation[];
  MeanAveragePrecision50?: number;
  MeanAveragePrecision50to95?: number;
}

export interface ModelVersion {
  name: string;
  arn: string;
  status: VersionStatus;
  status_message: string;
  status_code: string | null;
  task: "CLASSIFICATION" | "MULTI_LABEL_CLASSIFICATION" | "OBJECT_DETECTION" | null;
  config: Record<string, unknown>;
  label_names: string[];
  thresholds: number[];
  job_id: number | null;
  progress: TrainingProgress | null;
  training_entries: number | null;
  testing_entries: number | null;
  test_held_out: boolean;
  source_version_arn: string | null;
  created_at: string;
  training_started_at: string | null;
  finished_at: string | null;
  evaluation_summary: EvaluationSummary | null;
}

export interface BoxRatios {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A true box (confidence null) or a prediction; box null for whole-image labels. */
export interface Scored {
  label: string;
  confidence: number | null;
  box: BoxRatios | null;
}

export interface TestImage {
  sha256: string;
  entry_id: number | null;
  source_ref: string | null;
  width: number;
  height: number;
  true_labels: string[];
  true_boxes: Scored[];
  predictions: Scored[];
}

export interface TestResults {
  task: string;
  label_names: string[];
  thresholds: number[];
  iou_threshold: number | null;
  images: TestImage[];
}

export interface Detection {
  name: string;
  confidence: number; // 0-100, as DetectCustomLabels answers
  box: BoxRatios | null;
}
