// Selection over the gallery's loaded entries: click, shift-click ranges, ctrl/cmd toggles,
// a keyboard cursor, and "all N matching the filter" (which spans pages not loaded yet).
import { useCallback, useState } from "react";
import type { Entry } from "../api/types";

export interface Selection {
  ids: ReadonlySet<number>;
  all: boolean;
  anchor: number | null; // index the next shift-click extends from
  cursor: number | null; // index of the keyboard focus
}

export const EMPTY: Selection = { ids: new Set(), all: false, anchor: null, cursor: null };

function range(items: Entry[], a: number, b: number): Set<number> {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return new Set(items.slice(lo, hi + 1).map((e) => e.id));
}

export function useSelection(items: Entry[]) {
  const [sel, setSel] = useState<Selection>(EMPTY);

  const click = useCallback(
    (index: number, mods: { shift: boolean; toggle: boolean }) =>
      setSel((s) => {
        const id = items[index]?.id;
        if (id === undefined) return s;
        if (mods.shift && s.anchor !== null) {
          const ids = range(items, s.anchor, index);
          if (mods.toggle) s.ids.forEach((x) => ids.add(x));
          return { ids, all: false, anchor: s.anchor, cursor: index };
        }
        if (mods.toggle) {
          const ids = new Set(s.all ? items.map((e) => e.id) : s.ids);
          if (ids.has(id)) ids.delete(id);
          else ids.add(id);
          return { ids, all: false, anchor: index, cursor: index };
        }
        return { ids: new Set([id]), all: false, anchor: index, cursor: index };
      }),
    [items],
  );

  /** Keyboard: move the cursor; the selection follows (Shift extends it from the anchor). */
  const moveTo = useCallback(
    (index: number, extend: boolean) =>
      setSel((s) => {
        const i = Math.max(0, Math.min(items.length - 1, index));
        if (!items.length) return s;
        if (extend) {
          const anchor = s.anchor ?? s.cursor ?? i;
          return { ids: range(items, anchor, i), all: false, anchor, cursor: i };
        }
        return { ids: new Set([items[i].id]), all: false, anchor: i, cursor: i };
      }),
    [items],
  );

  const selectAll = useCallback(() => setSel((s) => ({ ...s, ids: new Set(), all: true })), []);
  const clear = useCallback(() => setSel((s) => ({ ...EMPTY, cursor: s.cursor })), []);
  const reset = useCallback(() => setSel(EMPTY), []);

  return { sel, click, moveTo, selectAll, clear, reset };
}

export function selectedCount(sel: Selection, matching: number | undefined): number {
  return sel.all ? (matching ?? 0) : sel.ids.size;
}
