import { useMemo } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation } from "@tanstack/react-query";
import { api, datasetPath, errorText, thumbnailUrl } from "../api/client";
import { useEntryPages, useInvalidateProject } from "../api/hooks";
import { useToast } from "../components/Toasts";
import { fileName } from "../gallery/Tile";
import { readFilter } from "../lib/filters";

/** Entries with errors: their codes and messages, and a way to fix each. */
export function ErrorsPage() {
  const { project = "", type = "train" } = useParams();
  const filter = useMemo(() => ({ ...readFilter(new URLSearchParams()), errors: true }), []);
  const pages = useEntryPages(project, type, filter);
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const gallery = `/projects/${encodeURIComponent(project)}/datasets/${type}`;
  const remove = useMutation({
    mutationFn: (id: number) => api(`${datasetPath(project, type)}/entries/delete`, { method: "POST", json: { ids: [id] } }),
    onSuccess: () => void invalidate(),
    onError: (e) => toast(errorText(e), "error"),
  });
  return (
    <section>
      <div className="page-head">
        <h1>Entries with errors</h1>
        <Link to={`${gallery}?errors=1`}>Show them in the gallery</Link>
      </div>
      <p className="muted">
        Each entry below is kept with the reason it can't be used as it is. Open it to fix its labels or boxes, or delete it
        when the file itself is broken.
      </p>
      {pages.isLoading && <p>Loading…</p>}
      {pages.data && !items.length && <p className="empty">No entries with errors. 🎉</p>}
      {items.length > 0 && (
        <table className="table errors">
          <thead>
            <tr><th /><th>Entry</th><th>Problems</th><th>Fix</th></tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-entry-id={e.id}>
                <td className="mini">{e.asset && <img src={thumbnailUrl(e.asset.sha256)} alt="" />}</td>
                <td><div>{fileName(e.source_ref)}</div><div className="muted small">{e.source_ref}</div></td>
                <td>
                  <ul className="issues">
                    {e.issues.map((i, n) => (
                      <li key={n}><code className={i.severity === "WARNING" ? "warn" : "error"}>{i.code}</code> {i.message}</li>
                    ))}
                  </ul>
                </td>
                <td>
                  {e.asset ? (
                    <Link className="button small" to={`${gallery}?errors=1&entry=${e.id}`}>Open to fix</Link>
                  ) : (
                    <button className="small danger" onClick={() => remove.mutate(e.id)}>Delete entry</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages.hasNextPage && <button onClick={() => void pages.fetchNextPage()}>Show more</button>}
    </section>
  );
}
