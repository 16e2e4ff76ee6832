// After a project is deleted: its images stay stored (other datasets may share them) until
// the user reclaims the space, which this notice offers in one click.
import { useMutation } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { useToast } from "../components/Toasts";

interface ReclaimResult {
  unused_images: number;
  bytes: number;
  kept_in_use: number;
  dry_run: boolean;
  orphan_files: number;
}

const mib = (bytes: number) => `${(bytes / (1 << 20)).toLocaleString(undefined, { maximumFractionDigits: 1 })} MiB`;

export function ReclaimNotice({ deleted, onClose }: { deleted: string; onClose: () => void }) {
  const toast = useToast();
  const reclaim = useMutation({
    mutationFn: () => api<ReclaimResult>("/storage/reclaim", { method: "POST", json: {} }),
    onError: (e) => toast(errorText(e), "error"),
  });
  const done = reclaim.data;
  return (
    <div className="notice" role="status" data-testid="reclaim-notice">
      {done ? (
        <span>
          Removed {done.unused_images.toLocaleString()} unused images ({mib(done.bytes)}).
        </span>
      ) : (
        <>
          <span>
            Project “{deleted}” deleted. Its images stay stored until you reclaim the space (images other
            projects use are kept).
          </span>
          <button className="small" disabled={reclaim.isPending} onClick={() => reclaim.mutate()}>
            {reclaim.isPending ? "Reclaiming…" : "Reclaim space"}
          </button>
        </>
      )}
      <button className="small link" aria-label="Dismiss" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
