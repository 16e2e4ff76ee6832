// Every change is saved at once with the entry's version; a 409 stops saving until the user
// has seen both versions and chosen. Saves of one entry never overlap.
import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { ApiError, api, datasetPath, errorText } from "../api/client";
import { fetchEntry, keys } from "../api/hooks";
import type { Entry, EntryPage } from "../api/types";
import { changeBody, docOf, type Doc } from "./model";

export type SaveState = "saved" | "saving" | "conflict" | "error";

export interface Conflict {
  theirs: Entry;
  mine: Doc;
}

export function useAutosave(project: string, type: string, entry: Entry, current: { current: Doc }) {
  const client = useQueryClient();
  // The last saved document: the editor's first one (same boxes, so no save until a change).
  const saved = useRef<{ doc: Doc; version: number }>(null!);
  if (saved.current === null) saved.current = { doc: current.current, version: entry.version };
  const inFlight = useRef<Promise<void> | null>(null);
  const scheduled = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const blocked = useRef(false);
  const [state, setState] = useState<SaveState>("saved");
  const [message, setMessage] = useState("");
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const url = `${datasetPath(project, type)}/entries/${entry.id}`;

  const publish = useCallback((fresh: Entry) => {
    // The gallery's tiles show the new labels without reloading their pages.
    client.setQueriesData<InfiniteData<EntryPage>>({ queryKey: keys.entries(project, type) }, (data) =>
      data && {
        ...data,
        pages: data.pages.map((p) => ({ ...p, items: p.items.map((e) => (e.id === fresh.id ? fresh : e)) })),
      },
    );
    void client.invalidateQueries({ queryKey: keys.labels(project, type) });
    // The History section lists this save too.
    void client.invalidateQueries({ queryKey: keys.history(project, type, fresh.id) });
    void client.invalidateQueries({ queryKey: keys.dataset(project, type), exact: true });
    void client.invalidateQueries({ queryKey: ["project", project, "dataset", type, "count"] });
    void client.invalidateQueries({ queryKey: keys.projects });
  }, [client, project, type]);

  const run = useCallback(async (): Promise<void> => {
    do {
      again.current = false;
      const doc = current.current;
      const body = changeBody(saved.current.doc, doc);
      if (!body) break;
      setState("saving");
      try {
        const fresh = await api<Entry>(url, { method: "PATCH", json: { version: saved.current.version, ...body } });
        saved.current = { doc, version: fresh.version };
        publish(fresh);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.code === "VersionConflict") {
          blocked.current = true;
          const theirs = await fetchEntry(project, type, entry.id);
          setConflict({ theirs, mine: doc });
          setState("conflict");
          return;
        }
        setState("error");
        setMessage(errorText(e));
        return;
      }
    } while (again.current);
    setState("saved");
  }, [current, url, publish, project, type, entry.id]);

  const start = useCallback(() => {
    if (blocked.current) return;
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = run().finally(() => {
      inFlight.current = null;
    });
  }, [run]);

  /**
   * Save the current document (call after every change). The request starts once the change
   * is painted, so a thousand boxes' JSON never delays the frame that shows the change.
   */
  const save = useCallback(() => {
    if (blocked.current || scheduled.current) return;
    scheduled.current = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100); // a background tab paints no frames
      requestAnimationFrame(() => setTimeout(() => (clearTimeout(timer), resolve()), 0));
    }).then(() => {
      scheduled.current = null;
      start();
    });
  }, [start]);

  /** Resolve a conflict: the document to keep, saved over their version. */
  const resolve = useCallback((keep: Doc, theirs: Entry) => {
    saved.current = { doc: docOf(theirs), version: theirs.version };
    blocked.current = false;
    setConflict(null);
    current.current = keep;
    save();
  }, [current, save]);

  /** Resolves when nothing is left to save; false while a conflict waits for the user. */
  const settle = useCallback(async (): Promise<boolean> => {
    while (scheduled.current || inFlight.current) await (scheduled.current ?? inFlight.current);
    return !blocked.current;
  }, []);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (scheduled.current || inFlight.current || blocked.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  return { state, message, conflict, save, resolve, settle };
}
