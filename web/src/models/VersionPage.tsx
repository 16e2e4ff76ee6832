import { useParams } from "react-router-dom";
import { errorText } from "../api/client";
import { ConfusionMatrix } from "./ConfusionMatrix";
import { isTrained, pct, statusClass, statusWord, TASK_WORDS } from "./format";
import { useTestResults, useVersion } from "./hooks";
import { LabelMetrics } from "./LabelMetrics";
import { PrCharts } from "./PrChart";
import { TestGallery } from "./TestGallery";
import { TrainingProgress } from "./TrainingProgress";
import { TryIt } from "./TryIt";
import type { ModelVersion, TestResults } from "./types";
import { useThresholds } from "./useThresholds";
import { VersionActions } from "./VersionActions";

function Figure({ name, value, testid }: { name: string; value: string; testid: string }) {
  return <div><dt>{name}</dt><dd data-stat={testid}>{value}</dd></div>;
}

/** The evaluation of a trained version, explored at thresholds of the user's choosing. */
function Evaluation({ project, version, results }: { project: string; version: ModelVersion; results: TestResults }) {
  const state = useThresholds(results);
  const summary = version.evaluation_summary;
  const detection = results.task === "OBJECT_DETECTION";
  return (
    <>
      <dl className="stats card summary">
        <Figure name="F1 score" value={pct(state.total.f1)} testid="f1" />
        <Figure name="Precision" value={pct(state.total.precision)} testid="precision" />
        <Figure name="Recall" value={pct(state.total.recall)} testid="recall" />
        {detection && <Figure name="mAP@0.5" value={pct(summary?.MeanAveragePrecision50)} testid="map50" />}
        {detection && <Figure name="mAP@[.5:.95]" value={pct(summary?.MeanAveragePrecision50to95)} testid="map" />}
        <Figure name="Test images" value={String(results.images.length)} testid="test-images" />
        <Figure name="Training images" value={String(version.training_entries ?? "–")} testid="train-images" />
        {state.changed && <p className="muted small">At the thresholds you chose; the training's own: F1 {pct(summary?.AggregatedEvaluationResults.F1Score)}.</p>}
      </dl>
      <div className="evaluation-grid">
        <LabelMetrics results={results} state={state} />
        {!detection && <ConfusionMatrix results={results} thresholds={state.thresholds} />}
      </div>
      <PrCharts results={results} thresholds={state.thresholds} />
      <TestGallery results={results} outcomes={state.outcomes} />
      <TryIt project={project} version={version} thresholds={state.thresholds} />
    </>
  );
}

/** One model version: its state, live progress while it trains, its evaluation when done. */
export function VersionPage() {
  const { project, version: name } = useParams() as { project: string; version: string };
  const version = useVersion(project, name);
  const v = version.data;
  const trained = !!v && isTrained(v);
  const results = useTestResults(project, name, trained);
  if (version.isLoading) return <p>Loading…</p>;
  if (version.error || !v) return <p className="error">{errorText(version.error)}</p>;
  return (
    <section className="version-page">
      <div className="page-head">
        <h1>Version {v.name}</h1>
        <span className={`badge ${statusClass(v.status)}`} data-testid="version-status" title={v.status}>{statusWord(v.status)}</span>
        {v.task && <span className="muted">{TASK_WORDS[v.task] ?? v.task}</span>}
        <span className="spacer" />
        <VersionActions project={project} version={v} />
      </div>
      <p className={`status-message ${v.status.endsWith("FAILED") ? "error notice" : "muted"}`} data-testid="status-message">
        {v.status_message}
        {v.status_code && v.status.endsWith("FAILED") && <code className="small"> {v.status_code}</code>}
      </p>
      {v.status === "TRAINING_IN_PROGRESS" && <TrainingProgress progress={v.progress} />}
      {trained && results.isLoading && <p>Loading the test results…</p>}
      {results.error && <p className="error">{errorText(results.error)}</p>}
      {results.data && <Evaluation project={project} version={v} results={results.data} />}
    </section>
  );
}
