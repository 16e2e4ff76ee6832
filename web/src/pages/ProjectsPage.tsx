import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { keys, useProjects } from "../api/hooks";
import type { DatasetOverview, ProjectOverview } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useToast } from "../components/Toasts";
import { ReclaimNotice } from "../project/ReclaimNotice";
import { useSession } from "../account/session";

function DatasetCell({ d }: { d: DatasetOverview | undefined }) {
  if (!d) return <span className="muted">none</span>;
  return (
    <span>
      <strong>{d.total_entries.toLocaleString()}</strong> images · {d.labeled_entries.toLocaleString()} labelled
      {d.error_entries > 0 && <span className="warn"> · {d.error_entries.toLocaleString()} with errors</span>}
      {d.status.endsWith("IN_PROGRESS") && <span className="badge busy">{d.status}</span>}
      {d.status.endsWith("FAILED") && <span className="badge error">{d.status}</span>}
    </span>
  );
}

function CreateProjectForm() {
  const [name, setName] = useState("");
  const client = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const create = useMutation({
    mutationFn: (n: string) => api("/projects", { method: "POST", json: { name: n } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.projects });
      navigate(`/projects/${encodeURIComponent(name)}`);
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) create.mutate(name.trim());
      }}
    >
      <label>
        New project{" "}
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. shoes" aria-label="Project name" />
      </label>
      <button className="primary" disabled={!name.trim() || create.isPending}>
        Create project
      </button>
    </form>
  );
}

export function ProjectsPage() {
  const projects = useProjects();
  // POST /projects needs the editor role on the server: others get no form that would fail.
  const role = useSession().data?.role;
  const canCreate = role === "admin" || role === "editor";
  const [deleting, setDeleting] = useState<ProjectOverview | null>(null);
  const [deleted, setDeleted] = useState<string | null>(null);
  const client = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (name: string) => api(`/projects/${encodeURIComponent(name)}`, { method: "DELETE" }),
    onSuccess: (_, name) => {
      setDeleting(null);
      setDeleted(name);
      void client.invalidateQueries({ queryKey: keys.projects });
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  return (
    <section>
      <div className="page-head">
        <h1>Projects</h1>
        {canCreate && <CreateProjectForm />}
      </div>
      {deleted && <ReclaimNotice key={deleted} deleted={deleted} onClose={() => setDeleted(null)} />}
      {projects.isLoading && <p>Loading…</p>}
      {projects.error && <p className="error">{errorText(projects.error)}</p>}
      {projects.data?.length === 0 && (
        <p className="empty">
          {canCreate
            ? "No projects yet. A project holds a training and a test dataset of images; create one above."
            : "No projects yet: an admin gives you the projects you work on."}
        </p>
      )}
      {!!projects.data?.length && (
        <table className="table projects">
          <thead>
            <tr>
              <th>Project</th>
              <th>Training dataset</th>
              <th>Test dataset</th>
              <th>Labels</th>
              <th>Jobs</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {projects.data.map((p) => (
              <tr key={p.name} data-project={p.name}>
                <td>
                  <Link to={`/projects/${encodeURIComponent(p.name)}`} className="project-link">
                    {p.name}
                  </Link>
                </td>
                <td><DatasetCell d={p.datasets.find((d) => d.dataset_type === "TRAIN")} /></td>
                <td><DatasetCell d={p.datasets.find((d) => d.dataset_type === "TEST")} /></td>
                <td>{p.label_count}</td>
                <td>{p.active_jobs ? <span className="badge busy">{p.active_jobs} running</span> : "—"}</td>
                <td>{new Date(p.created_at).toLocaleDateString()}</td>
                <td>
                  <button className="danger small" onClick={() => setDeleting(p)}>
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete project “${deleting.name}”?`}
          confirm="Delete project"
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting.name)}
          onClose={() => setDeleting(null)}
        >
          <p>
            This deletes its{" "}
            {deleting.datasets.map((d) => `${d.dataset_type} dataset (${d.total_entries.toLocaleString()} images)`).join(" and ") ||
              "empty project"}{" "}
            and its {deleting.label_count} labels, with every image-level label and box. It cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
