// The box tool on react-konva. Konva draws the layers, and its Transformer resizes the selected
// box. For a thousand boxes to stay quick, the boxes that are not selected are one Konva shape
// on a layer that does not listen (no hit canvas, no per-box nodes to reconcile or draw); the
// selected box and its handles have a layer of their own, so selecting, moving or resizing redraws
// a handful of nodes. Which box is under the pointer is a scan of the boxes in image pixels
// (microseconds for thousands), done by hand because Konva's hit graph would need a node per box.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Group, Image as KImage, Label, Layer, Rect, Shape, Stage, Tag, Text, Transformer } from "react-konva";
import type Konva from "konva";
import { boxAt, type EBox, type Rect as R } from "./model";

export interface View {
  scale: number;
  x: number;
  y: number;
}

interface Props {
  image: HTMLImageElement | null;
  imageW: number;
  imageH: number;
  boxes: EBox[];
  hidden: boolean;
  selected: string | null;
  colors: ReadonlyMap<string, string>;
  view: View | null;
  setView: (v: View) => void;
  onSize: (w: number, h: number) => void;
  onSelect: (key: string | null) => void;
  onMove: (key: string, left: number, top: number) => void;
  onResize: (key: string, r: R) => void;
  onDraw: (r: R) => void;
  onRefuse: (message: string) => void;
}

const FALLBACK = "#ffe119";
const NO_VIEW: View = { scale: 1, x: 0, y: 0 };

type Gesture =
  | { kind: "pan"; view: View; sx: number; sy: number }
  | { kind: "draw"; x0: number; y0: number; view: View; sx: number; sy: number }
  | { kind: "move"; key: string; x0: number; y0: number; left: number; top: number; w: number; h: number; sx: number; sy: number; moved: boolean };

/** Draws every box but the selected one, grouped by colour (one path per colour), in screen pixels. */
function drawBoxes(ctx: CanvasRenderingContext2D, boxes: EBox[], skip: string | null, colors: ReadonlyMap<string, string>, v: View, w: number, h: number) {
  const byColor = new Map<string, EBox[]>();
  for (const b of boxes) {
    if (b.key === skip) continue;
    const x = v.x + b.left * v.scale;
    const y = v.y + b.top * v.scale;
    if (x > w || y > h || x + b.width * v.scale < 0 || y + b.height * v.scale < 0) continue; // off screen
    const color = colors.get(b.label) ?? FALLBACK;
    let list = byColor.get(color);
    if (!list) byColor.set(color, (list = []));
    list.push(b);
  }
  ctx.lineWidth = 2;
  for (const [color, list] of byColor) {
    ctx.beginPath();
    for (const b of list) ctx.rect(v.x + b.left * v.scale, v.y + b.top * v.scale, b.width * v.scale, b.height * v.scale);
    ctx.fillStyle = `${color}14`;
    ctx.fill();
    ctx.strokeStyle = color;
    ctx.stroke();
  }
  // Label names where a box is big enough on screen to carry one.
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "top";
  for (const [color, list] of byColor) {
    for (const b of list) {
      if (b.width * v.scale < 48 || b.height * v.scale < 20) continue;
      const x = v.x + b.left * v.scale;
      const y = v.y + b.top * v.scale;
      const text = b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label;
      const tw = Math.min(ctx.measureText(text).width + 6, b.width * v.scale);
      ctx.fillStyle = color;
      ctx.fillRect(x, y, tw, 15);
      ctx.fillStyle = "#000";
      ctx.fillText(text, x + 3, y + 2, tw - 6);
    }
  }
}

/** True when the boxes drawn on the static layer (all but the selected one) are the same objects. */
function sameOthers(prev: readonly EBox[], next: readonly EBox[], prevSkip: string | null, skip: string | null): boolean {
  if (prev === next && prevSkip === skip) return true;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < prev.length && prev[i].key === prevSkip) i++;
    while (j < next.length && next[j].key === skip) j++;
    if (i === prev.length || j === next.length) return i === prev.length && j === next.length;
    if (prev[i++] !== next[j++]) return false;
  }
}

export function BoxStage(p: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const transformer = useRef<Konva.Transformer>(null);
  const active = useRef<Konva.Rect>(null);
  const tag = useRef<Konva.Label>(null);
  const draft = useRef<Konva.Rect>(null);
  const gesture = useRef<Gesture | null>(null);
  const [space, setSpace] = useState(false);
  const latest = useRef(p);
  latest.current = p;

  useLayoutEffect(() => {
    const el = wrap.current!;
    const observer = new ResizeObserver(() => {
      setSize({ w: el.clientWidth, h: el.clientHeight });
      latest.current.onSize(el.clientWidth, el.clientHeight);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const down = (e: KeyboardEvent) => e.code === "Space" && (e.target as HTMLElement).tagName !== "INPUT" && (e.preventDefault(), setSpace(true));
    const up = (e: KeyboardEvent) => e.code === "Space" && setSpace(false);
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);

  const view = p.view ?? NO_VIEW;
  const selectedBox = useMemo(() => (p.selected ? p.boxes.find((b) => b.key === p.selected) ?? null : null), [p.boxes, p.selected]);

  // Attach the resize handles to the selected box (its node is new for each selection).
  useEffect(() => {
    const tr = transformer.current;
    if (!tr) return;
    tr.nodes(selectedBox && !p.hidden && active.current ? [active.current] : []);
    tr.getLayer()?.batchDraw();
  }, [selectedBox, p.hidden]);

  // The static boxes' drawing: a new function (so a redraw of their layer) only when a box
  // other than the selected one changed, the selection changed, or the view did. Moving or
  // resizing the selected box leaves the layer alone (boxes are never mutated, so unchanged
  // boxes are the same objects from one document to the next).
  const shown = useRef<{ boxes: EBox[]; skip: string | null }>({ boxes: p.boxes, skip: p.selected });
  if (!sameOthers(shown.current.boxes, p.boxes, shown.current.skip, p.selected)) shown.current = { boxes: p.boxes, skip: p.selected };
  const { boxes: staticBoxes, skip } = shown.current;
  const sceneFunc = useCallback(
    (ctx: Konva.Context) => drawBoxes(ctx._context, staticBoxes, skip, p.colors, view, size.w, size.h),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [staticBoxes, skip, p.colors, view.scale, view.x, view.y, size.w, size.h],
  );

  const toImage = (pos: { x: number; y: number }, v: View) => ({ x: (pos.x - v.x) / v.scale, y: (pos.y - v.y) / v.scale });

  const onMouseDown = useCallback((e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage()!;
    if (e.target !== stage) return; // on a resize handle: the Transformer has it
    const pos = stage.getPointerPosition()!;
    const cur = latest.current;
    const v = cur.view ?? NO_VIEW;
    if (e.evt.button === 1 || e.evt.button === 2 || space) {
      gesture.current = { kind: "pan", view: v, sx: pos.x, sy: pos.y };
      return;
    }
    if (e.evt.button !== 0) return;
    const { x, y } = toImage(pos, v);
    const hit = cur.hidden ? null : boxAt(cur.boxes, cur.selected, x, y, 3 / v.scale);
    if (hit) {
      if (hit.key !== cur.selected) cur.onSelect(hit.key);
      gesture.current = { kind: "move", key: hit.key, x0: x, y0: y, left: hit.left, top: hit.top, w: hit.width, h: hit.height, sx: pos.x, sy: pos.y, moved: false };
      return;
    }
    if (x < 0 || y < 0 || x > cur.imageW || y > cur.imageH) {
      cur.onSelect(null);
      cur.onRefuse("Start a box on the image: boxes must lie inside it.");
      return;
    }
    gesture.current = { kind: "draw", x0: x, y0: y, view: v, sx: pos.x, sy: pos.y };
    draft.current!.setAttrs({ x, y, width: 0, height: 0, visible: true });
  }, [space]);

  const onMouseMove = useCallback((e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage()!;
    const pos = stage.getPointerPosition();
    if (!pos) return;
    const g = gesture.current;
    const cur = latest.current;
    if (!g) {
      // The cursor says what a press would do: move a box, or draw one.
      if (e.target !== stage || space) return;
      const v = cur.view ?? NO_VIEW;
      const { x, y } = toImage(pos, v);
      const over = !cur.hidden && boxAt(cur.boxes, cur.selected, x, y, 3 / v.scale);
      const cursor = over ? "move" : "";
      if (stage.container().style.cursor !== cursor) stage.container().style.cursor = cursor;
      return;
    }
    if (g.kind === "pan") {
      cur.setView({ ...g.view, x: g.view.x + pos.x - g.sx, y: g.view.y + pos.y - g.sy });
      return;
    }
    if (g.kind === "move") {
      if (!g.moved && Math.abs(pos.x - g.sx) < 3 && Math.abs(pos.y - g.sy) < 3) return; // a click, so far
      g.moved = true;
      const v = cur.view ?? NO_VIEW;
      const { x, y } = toImage(pos, v);
      const node = active.current;
      if (node && node.id() === g.key) {
        // Keep the box on the image while it moves.
        const left = Math.max(0, Math.min(cur.imageW - g.w, g.left + x - g.x0));
        const top = Math.max(0, Math.min(cur.imageH - g.h, g.top + y - g.y0));
        node.position({ x: left, y: top });
        tag.current?.position({ x: v.x + left * v.scale, y: Math.max(0, v.y + top * v.scale - 17) });
        node.getLayer()?.batchDraw();
      }
      return;
    }
    const { imageW, imageH } = cur;
    const x = Math.max(0, Math.min(imageW, (pos.x - g.view.x) / g.view.scale));
    const y = Math.max(0, Math.min(imageH, (pos.y - g.view.y) / g.view.scale));
    const d = draft.current!;
    d.setAttrs({ x: Math.min(x, g.x0), y: Math.min(y, g.y0), width: Math.abs(x - g.x0), height: Math.abs(y - g.y0) });
    d.getLayer()?.batchDraw();
  }, [space]);

  const onMouseUp = useCallback((e: Konva.KonvaEventObject<MouseEvent>) => {
    const g = gesture.current;
    gesture.current = null;
    if (!g || g.kind === "pan") return;
    const pos = e.target.getStage()!.getPointerPosition()!;
    const cur = latest.current;
    if (g.kind === "move") {
      if (!g.moved) return;
      const v = cur.view ?? NO_VIEW;
      const { x, y } = toImage(pos, v);
      cur.onMove(g.key, Math.max(0, Math.min(cur.imageW - g.w, g.left + x - g.x0)), Math.max(0, Math.min(cur.imageH - g.h, g.top + y - g.y0)));
      return;
    }
    const d = draft.current!;
    d.visible(false);
    d.getLayer()?.batchDraw();
    // Only a press that did not move is a click: a short drag is a box, or the "too small"
    // message that names the minimum size, never silently nothing.
    if (Math.abs(pos.x - g.sx) < 2 && Math.abs(pos.y - g.sy) < 2) {
      cur.onSelect(null);
      return;
    }
    cur.onDraw({ left: d.x(), top: d.y(), width: d.width(), height: d.height() });
  }, []);

  const onWheel = useCallback((e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const pos = e.target.getStage()!.getPointerPosition()!;
    const v = latest.current.view ?? NO_VIEW;
    const factor = e.evt.deltaY < 0 ? 1.15 : 1 / 1.15;
    const scale = Math.max(0.02, Math.min(40, v.scale * factor));
    const ix = (pos.x - v.x) / v.scale;
    const iy = (pos.y - v.y) / v.scale;
    latest.current.setView({ scale, x: pos.x - ix * scale, y: pos.y - iy * scale });
  }, []);

  const onTransformEnd = useCallback((e: Konva.KonvaEventObject<Event>) => {
    // The Transformer scales the node: read the size in pixels, then put the node back as the
    // document has it; the new size arrives as props if the editor accepts it.
    const node = e.target as Konva.Rect;
    const r = { left: node.x(), top: node.y(), width: node.width() * node.scaleX(), height: node.height() * node.scaleY() };
    const box = latest.current.boxes.find((b) => b.key === node.id());
    node.setAttrs({ scaleX: 1, scaleY: 1, ...(box && { x: box.left, y: box.top, width: box.width, height: box.height }) });
    latest.current.onResize(node.id(), r);
  }, []);

  // Handles may not drag a box's side off the image (absolute coordinates here).
  const bound = useCallback(<B extends { x: number; y: number; width: number; height: number }>(oldBox: B, newBox: B): B => {
    const v = latest.current.view ?? NO_VIEW;
    const right = v.x + latest.current.imageW * v.scale + 0.5;
    const bottom = v.y + latest.current.imageH * v.scale + 0.5;
    if (newBox.x < v.x - 0.5 || newBox.y < v.y - 0.5 || newBox.x + newBox.width > right || newBox.y + newBox.height > bottom) return oldBox;
    if (newBox.width < 2 || newBox.height < 2) return oldBox;
    return newBox;
  }, []);

  const color = selectedBox ? p.colors.get(selectedBox.label) ?? FALLBACK : FALLBACK;
  return (
    <div ref={wrap} className={`stage-wrap${space ? " panning" : ""}`} data-testid="stage"
      data-scale={view.scale} data-offset-x={view.x} data-offset-y={view.y}
      data-selected={p.selected ?? ""} data-boxes={p.boxes.length}
      data-selected-box={selectedBox ? `${selectedBox.left},${selectedBox.top},${selectedBox.width},${selectedBox.height}` : ""}
      onContextMenu={(e) => e.preventDefault()}>
      <Stage width={size.w} height={size.h} onMouseDown={onMouseDown} onMouseMove={onMouseMove} onMouseUp={onMouseUp}
        onMouseLeave={onMouseUp} onWheel={onWheel}>
        <Layer listening={false}>
          <Group x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale}>
            <Rect width={p.imageW} height={p.imageH} fill="#222" />
            {p.image && <KImage image={p.image} width={p.imageW} height={p.imageH} />}
          </Group>
        </Layer>
        <Layer listening={false} visible={!p.hidden}>
          <Shape sceneFunc={sceneFunc} perfectDrawEnabled={false} />
        </Layer>
        {/* The selected box, its handles and the box being drawn: the only layer that listens. */}
        <Layer>
          <Group visible={!p.hidden} x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale} listening={false}>
            {selectedBox && (
              <Rect key={selectedBox.key} ref={active} id={selectedBox.key} x={selectedBox.left} y={selectedBox.top}
                width={selectedBox.width} height={selectedBox.height} stroke={color} strokeWidth={3} strokeScaleEnabled={false}
                fill={`${color}40`} perfectDrawEnabled={false} shadowForStrokeEnabled={false} onTransformEnd={onTransformEnd} />
            )}
          </Group>
          {selectedBox && !p.hidden && (
            <Label ref={tag} x={view.x + selectedBox.left * view.scale} y={Math.max(0, view.y + selectedBox.top * view.scale - 17)} listening={false}>
              <Tag fill={color} />
              <Text text={selectedBox.label} fontSize={12} fill="#000" padding={3} />
            </Label>
          )}
          <Group x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale} listening={false}>
            <Rect ref={draft} visible={false} stroke="#fff" dash={[6, 4]} strokeWidth={1.5} strokeScaleEnabled={false} />
          </Group>
          <Transformer ref={transformer} rotateEnabled={false} keepRatio={false} ignoreStroke flipEnabled={false}
            boundBoxFunc={bound} anchorSize={9} borderStroke="#fff" anchorStroke="#333" />
        </Layer>
      </Stage>
    </div>
  );
}
