// Undo/redo over whole documents (cheap: boxes are shared between snapshots, never mutated).
import { useCallback, useRef, useState } from "react";
import type { Doc } from "./model";

/** ``init`` makes the first document (called once, not on every render). */
export function useHistory(init: () => Doc) {
  const [doc, setDoc] = useState(init);
  const past = useRef<Doc[]>([]);
  const future = useRef<Doc[]>([]);
  const current = useRef(doc);

  const set = useCallback((next: Doc) => {
    current.current = next;
    setDoc(next);
  }, []);
  const commit = useCallback((next: Doc) => {
    past.current.push(current.current);
    if (past.current.length > 200) past.current.shift();
    future.current = [];
    set(next);
  }, [set]);
  const undo = useCallback(() => {
    const prev = past.current.pop();
    if (!prev) return false;
    future.current.push(current.current);
    set(prev);
    return true;
  }, [set]);
  const redo = useCallback(() => {
    const next = future.current.pop();
    if (!next) return false;
    past.current.push(current.current);
    set(next);
    return true;
  }, [set]);
  /** Replace without an undo step (the server's answer after a save changes nothing visible). */
  const reset = useCallback((next: Doc) => set(next), [set]);
  return { doc, current, commit, undo, redo, reset };
}
