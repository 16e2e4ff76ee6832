import { useCallback, useMemo, useState } from "react";
import { labelFigures, outcome, overall } from "./metrics";
import type { TestResults } from "./types";

/** The thresholds a person is trying (one per label, starting at the assumed ones) and
 * everything measured at them, recomputed from the stored scores on each change. */
export function useThresholds(results: TestResults) {
  const [thresholds, setThresholds] = useState<number[]>(() => [...results.thresholds]);
  const setOne = useCallback(
    (index: number, value: number) => setThresholds((t) => t.map((x, i) => (i === index ? value : x))),
    [],
  );
  const reset = useCallback(() => setThresholds([...results.thresholds]), [results]);
  const outcomes = useMemo(() => results.images.map((im) => outcome(im, results, thresholds)), [results, thresholds]);
  const perLabel = useMemo(() => labelFigures(results, thresholds, outcomes), [results, thresholds, outcomes]);
  const total = useMemo(() => overall(perLabel), [perLabel]);
  const changed = thresholds.some((t, i) => t !== results.thresholds[i]);
  return { thresholds, setOne, reset, changed, outcomes, perLabel, total };
}

export type ThresholdState = ReturnType<typeof useThresholds>;
