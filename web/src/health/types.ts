// GET /projects/{project}/health (src/customlabels/api/schemas_health.py).
export interface SideCounts {
  images: number;
  boxes: number;
}

export interface LabelFlag {
  code: string;
  message: string;
  blocks_training: boolean;
}

export interface LabelHealth {
  name: string;
  color: string;
  train: SideCounts;
  test: SideCounts;
  flag: LabelFlag | null;
}

export interface Bucket {
  name: string;
  train: number;
  test: number;
}

export interface ProjectHealth {
  project: string;
  task: "OBJECT_DETECTION" | "CLASSIFICATION";
  has_train: boolean;
  has_test: boolean;
  min_images_per_label: number;
  labels: LabelHealth[];
  image_sizes: Bucket[];
  boxes_per_image: Bucket[];
}
