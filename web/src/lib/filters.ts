// The gallery's filter and sort, kept in the URL so a reload or a shared link shows the same view.

export interface GalleryFilter {
  labels: string[];
  labeled: "yes" | "no" | null;
  errors: boolean;
  boxes: boolean;
  /** Holds labels or boxes a model predicted (pre-labelling) that nobody reviewed yet. */
  predicted: boolean;
  text: string;
  order: "asc" | "desc";
}

export function readFilter(params: URLSearchParams): GalleryFilter {
  const labeled = params.get("labeled");
  return {
    labels: params.getAll("label"),
    labeled: labeled === "yes" || labeled === "no" ? labeled : null,
    errors: params.get("errors") === "1",
    boxes: params.get("boxes") === "1",
    predicted: params.get("predicted") === "1",
    text: params.get("q") ?? "",
    order: params.get("order") === "desc" ? "desc" : "asc",
  };
}

/** Writes the filter into ``params`` (other keys, like the open entry, are kept). */
export function writeFilter(params: URLSearchParams, filter: GalleryFilter): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of ["label", "labeled", "errors", "boxes", "predicted", "q", "order"]) next.delete(key);
  filter.labels.forEach((l) => next.append("label", l));
  if (filter.labeled) next.set("labeled", filter.labeled);
  if (filter.errors) next.set("errors", "1");
  if (filter.boxes) next.set("boxes", "1");
  if (filter.predicted) next.set("predicted", "1");
  if (filter.text) next.set("q", filter.text);
  if (filter.order === "desc") next.set("order", "desc");
  return next;
}

/** The listing's query string (the API's parameter names). */
export function filterQuery(filter: GalleryFilter): URLSearchParams {
  const q = new URLSearchParams();
  filter.labels.forEach((l) => q.append("contains_label", l));
  if (filter.labeled) q.set("labeled", filter.labeled === "yes" ? "true" : "false");
  if (filter.errors) q.set("has_errors", "true");
  if (filter.boxes) q.set("has_boxes", "true");
  if (filter.predicted) q.set("predicted", "true");
  if (filter.text) q.set("source_ref_contains", filter.text);
  return q;
}

/** The filter as the bulk endpoints take it in a JSON body. */
export function filterBody(filter: GalleryFilter): Record<string, unknown> {
  return {
    contains_labels: filter.labels,
    labeled: filter.labeled === null ? null : filter.labeled === "yes",
    has_errors: filter.errors ? true : null,
    has_boxes: filter.boxes ? true : null,
    predicted: filter.predicted ? true : null,
    source_ref_contains: filter.text || null,
  };
}

export function isFiltered(filter: GalleryFilter): boolean {
  return filter.labels.length > 0 || filter.labeled !== null || filter.errors || filter.boxes || filter.predicted || !!filter.text;
}
