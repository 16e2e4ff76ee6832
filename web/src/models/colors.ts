// A colour per label of a version (by its index), and the colours of right and wrong.
const PALETTE = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#65a30d", "#9333ea", "#0d9488"];

export function labelColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export const OUTCOME_COLORS = { tp: "#16a34a", fp: "#dc2626", fn: "#f59e0b", below: "#94a3b8" } as const;
export const OUTCOME_WORDS = { tp: "true positive", fp: "false positive", fn: "false negative", below: "below threshold" } as const;
