interface Props {
  done: number;
  total: number | null;
  label?: string;
}

export function ProgressBar({ done, total, label }: Props) {
  const pct = total ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="progress" role="progressbar" aria-valuenow={pct ?? undefined} aria-label={label}>
      <div className="progress-fill" style={{ width: pct === null ? "100%" : `${pct}%` }} />
      <span className="progress-text">
        {label ? `${label}: ` : ""}
        {done.toLocaleString()}
        {total ? ` / ${total.toLocaleString()}` : ""}
        {pct !== null ? ` (${pct}%)` : ""}
      </span>
    </div>
  );
}
