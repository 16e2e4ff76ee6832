// The box tool on react-konva: Konva draws, hit-tests, drags and resizes (Transformer);
// nothing is hand-written but the drawing gesture and the view transform.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { Group, Image as KImage, Layer, Rect, Stage, Transformer } from "react-konva";
import type Konva from "konva";
import { BoxShape } from "./BoxShape";
import type { EBox, Rect as R } from "./model";

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

export function BoxStage(p: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const transformer = useRef<Konva.Transformer>(null);
  const boxLayer = useRef<Konva.Layer>(null);
  const draft = useRef<Konva.Rect>(null);
  const gesture = useRef<{ kind: "draw" | "pan"; x0: number; y0: number; view: View; sx: number; sy: number } | null>(null);
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

  // Attach the resize handles to the selected box.
  useEffect(() => {
    const tr = transformer.current;
    if (!tr) return;
    const node = p.selected && !p.hidden ? boxLayer.current?.findOne(`#${p.selected}`) : null;
    tr.nodes(node ? [node] : []);
    tr.getLayer()?.batchDraw();
  }, [p.selected, p.hidden, p.boxes]);

  const view = p.view ?? { scale: 1, x: 0, y: 0 };

  const onMouseDown = useCallback((e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage()!;
    if (e.target !== stage) return; // on a box or a handle: Konva drags or resizes it
    const pos = stage.getPointerPosition()!;
    const v = latest.current.view ?? { scale: 1, x: 0, y: 0 };
    if (e.evt.button === 1 || e.evt.button === 2 || space) {
      gesture.current = { kind: "pan", x0: 0, y0: 0, view: v, sx: pos.x, sy: pos.y };
      return;
    }
    if (e.evt.button !== 0) return;
    const { x, y } = { x: (pos.x - v.x) / v.scale, y: (pos.y - v.y) / v.scale };
    const { imageW, imageH } = latest.current;
    if (x < 0 || y < 0 || x > imageW || y > imageH) {
      latest.current.onSelect(null);
      latest.current.onRefuse("Start a box on the image: boxes must lie inside it.");
      return;
    }
    gesture.current = { kind: "draw", x0: x, y0: y, view: v, sx: pos.x, sy: pos.y };
    const d = draft.current!;
    d.setAttrs({ x, y, width: 0, height: 0, visible: true });
  }, [space]);

  const onMouseMove = useCallback((e: Konva.KonvaEventObject<MouseEvent>) => {
    const g = gesture.current;
    if (!g) return;
    const pos = e.target.getStage()!.getPointerPosition()!;
    if (g.kind === "pan") {
      latest.current.setView({ ...g.view, x: g.view.x + pos.x - g.sx, y: g.view.y + pos.y - g.sy });
      return;
    }
    const { imageW, imageH } = latest.current;
    const x = Math.max(0, Math.min(imageW, (pos.x - g.view.x) / g.view.scale));
    const y = Math.max(0, Math.min(imageH, (pos.y - g.view.y) / g.view.scale));
    const d = draft.current!;
    d.setAttrs({ x: Math.min(x, g.x0), y: Math.min(y, g.y0), width: Math.abs(x - g.x0), height: Math.abs(y - g.y0) });
    d.getLayer()?.batchDraw();
  }, []);

  const onMouseUp = useCallback((e: Konva.KonvaEventObject<MouseEvent>) => {
    const g = gesture.current;
    gesture.current = null;
    if (!g || g.kind === "pan") return;
    const d = draft.current!;
    d.visible(false);
    d.getLayer()?.batchDraw();
    const pos = e.target.getStage()!.getPointerPosition()!;
    if (Math.abs(pos.x - g.sx) < 4 && Math.abs(pos.y - g.sy) < 4) {
      latest.current.onSelect(null); // a click, not a drag
      return;
    }
    latest.current.onDraw({ left: d.x(), top: d.y(), width: d.width(), height: d.height() });
  }, []);

  const onWheel = useCallback((e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const pos = e.target.getStage()!.getPointerPosition()!;
    const v = latest.current.view ?? { scale: 1, x: 0, y: 0 };
    const factor = e.evt.deltaY < 0 ? 1.15 : 1 / 1.15;
    const scale = Math.max(0.02, Math.min(40, v.scale * factor));
    const ix = (pos.x - v.x) / v.scale;
    const iy = (pos.y - v.y) / v.scale;
    latest.current.setView({ scale, x: pos.x - ix * scale, y: pos.y - iy * scale });
  }, []);

  const onResized = useCallback((key: string, r: R) => latest.current.onResize(key, r), []);

  const onSelect = useCallback((key: string) => latest.current.onSelect(key), []);
  const onMoved = useCallback((key: string, x: number, y: number) => latest.current.onMove(key, x, y), []);

  // Handles may not drag a box's side off the image (absolute coordinates here).
  const bound = <B extends { x: number; y: number; width: number; height: number }>(oldBox: B, newBox: B): B => {
    const v = latest.current.view ?? { scale: 1, x: 0, y: 0 };
    const right = v.x + latest.current.imageW * v.scale + 0.5;
    const bottom = v.y + latest.current.imageH * v.scale + 0.5;
    if (newBox.x < v.x - 0.5 || newBox.y < v.y - 0.5 || newBox.x + newBox.width > right || newBox.y + newBox.height > bottom) return oldBox;
    if (newBox.width < 2 || newBox.height < 2) return oldBox;
    return newBox;
  };

  return (
    <div ref={wrap} className={`stage-wrap${space ? " panning" : ""}`} data-testid="stage"
      data-scale={view.scale} data-offset-x={view.x} data-offset-y={view.y}
      onContextMenu={(e) => e.preventDefault()}>
      <Stage width={size.w} height={size.h} onMouseDown={onMouseDown} onMouseMove={onMouseMove} onMouseUp={onMouseUp}
        onMouseLeave={onMouseUp} onWheel={onWheel}>
        <Layer listening={false}>
          <Group x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale}>
            <Rect width={p.imageW} height={p.imageH} fill="#222" />
            {p.image && <KImage image={p.image} width={p.imageW} height={p.imageH} />}
          </Group>
        </Layer>
        <Layer ref={boxLayer} visible={!p.hidden}>
          <Group x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale}>
            {p.boxes.map((b) => (
              <BoxShape key={b.key} box={b} color={p.colors.get(b.label) ?? "#ffe119"} selected={b.key === p.selected}
                imageW={p.imageW} imageH={p.imageH} onSelect={onSelect} onMoved={onMoved} onResized={onResized} />
            ))}
          </Group>
          <Transformer ref={transformer} rotateEnabled={false} keepRatio={false} ignoreStroke flipEnabled={false}
            boundBoxFunc={bound} anchorSize={9} borderStroke="#fff" anchorStroke="#333" />
        </Layer>
        <Layer listening={false}>
          <Group x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale}>
            <Rect ref={draft} visible={false} stroke="#fff" dash={[6, 4]} strokeWidth={1.5} strokeScaleEnabled={false} />
          </Group>
        </Layer>
      </Stage>
    </div>
  );
}
