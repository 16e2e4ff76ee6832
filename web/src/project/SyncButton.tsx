import { useMutation } from "@tanstack/react-query";
import { api, datasetPath, errorText } from "../api/client";
import { useDataset, useInvalidateProject } from "../api/hooks";
import { useToast } from "../components/Toasts";

interface Props {
  project: string;
  type: string;
  busy: boolean;
}

/** Import again what is new or changed at an S3-backed dataset's prefix (POST .../sync). */
export function SyncButton({ project, type, busy }: Props) {
  const dataset = useDataset(project, type);
  const invalidate = useInvalidateProject(project);
  const toast = useToast();
  const sync = useMutation({
    mutationFn: () => api(`${datasetPath(project, type)}/sync`, { method: "POST" }),
    onSuccess: async () => {
      toast("Syncing from S3: new and changed images are imported (see Jobs)");
      await invalidate();
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  const source = dataset.data?.source;
  if (source?.kind !== "s3") return null;
  const uri = typeof source.uri === "string" ? source.uri : "its S3 prefix";
  return (
    <button onClick={() => sync.mutate()} disabled={busy || sync.isPending} title={`Import what is new or changed at ${uri}`}>
      Sync from S3
    </button>
  );
}
