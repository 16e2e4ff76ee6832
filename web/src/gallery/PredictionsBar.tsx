import { useMutation } from "@tanstack/react-query";
import { api, datasetPath, errorText } from "../api/client";
import { useInvalidateProject } from "../api/hooks";
import { useToast } from "../components/Toasts";
import { filterBody, type GalleryFilter } from "../lib/filters";
import { plural } from "../lib/plural";

interface Props {
  project: string;
  type: string;
  filter: GalleryFilter;
  matching: number | undefined;
}

/** Shown with the "predicted, not reviewed" filter: accept every prediction it shows at
 * once (they become people's labels), after looking them over in the grid. */
export function PredictionsBar({ project, type, filter, matching }: Props) {
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const accept = useMutation({
    mutationFn: () =>
      api<{ count: number }>(`${datasetPath(project, type)}/entries/accept-predictions`, {
        method: "POST",
        json: { filter: filterBody(filter) },
      }),
    onSuccess: (r) => {
      toast(`Accepted the predictions of ${plural(r.count, "image")}`);
      void invalidate();
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  if (!filter.predicted || !matching) return null;
  return (
    <div className="toolbar predictions-bar">
      <span>
        {plural(matching, "image")} {matching === 1 ? "holds" : "hold"} labels a model predicted. Open one to correct it (that makes it yours),
        or accept them all.
      </span>
      <button className="primary" disabled={accept.isPending} onClick={() => accept.mutate()}>
        Accept {matching.toLocaleString()} predictions
      </button>
    </div>
  );
}
