import { Link, useParams } from "react-router-dom";
import { useProjects } from "../api/hooks";
import { DatasetCard } from "../project/DatasetCard";
import { JobsList } from "../project/JobsList";
import { HealthSection } from "../health/HealthSection";

export function ProjectPage() {
  const project = useParams().project!;
  const projects = useProjects();
  const info = projects.data?.find((p) => p.name === project);
  if (projects.isLoading) return <p>Loading…</p>;
  if (!info) return <p className="error">No project “{project}”.</p>;
  const train = info.datasets.find((d) => d.dataset_type === "TRAIN");
  const test = info.datasets.find((d) => d.dataset_type === "TEST");
  return (
    <section>
      <div className="page-head">
        <h1>{project}</h1>
        <span className="muted">{info.label_count} labels</span>
        <span className="spacer" />
        <Link className="button primary" to={`/projects/${encodeURIComponent(project)}/models`}>Models</Link>
      </div>
      <div className="project-grid">
        <div className="datasets">
          <DatasetCard project={project} type="TRAIN" dataset={train} canSplit={false} />
          <DatasetCard project={project} type="TEST" dataset={test} canSplit={!!train && train.total_entries > 1} />
        </div>
        <aside className="card">
          <h2>Jobs</h2>
          <JobsList project={project} />
        </aside>
      </div>
      <HealthSection project={project} datasets={info.datasets} labelCount={info.label_count} />
    </section>
  );
}
