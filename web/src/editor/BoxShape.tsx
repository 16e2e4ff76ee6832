import { memo } from "react";
import { Rect } from "react-konva";
import type Konva from "konva";
import type { EBox, Rect as R } from "./model";

interface Props {
  box: EBox;
  color: string;
  selected: boolean;
  imageW: number;
  imageH: number;
  onSelect: (key: string) => void;
  onMoved: (key: string, left: number, top: number) => void;
  onResized: (key: string, r: R) => void;
}

/** One box; memoised, so selecting or moving one box re-renders one or two of a thousand. */
export const BoxShape = memo(function BoxShape({ box, color, selected, imageW, imageH, onSelect, onMoved, onResized }: Props) {
  return (
    <Rect
      id={box.key}
      name="box"
      x={box.left}
      y={box.top}
      width={box.width}
      height={box.height}
      stroke={color}
      strokeWidth={selected ? 3 : 2}
      strokeScaleEnabled={false}
      fill={selected ? `${color}33` : `${color}11`}
      draggable
      perfectDrawEnabled={false}
      shadowForStrokeEnabled={false}
      onMouseDown={(e) => {
        e.cancelBubble = true;
        onSelect(box.key);
      }}
      onDragMove={(e) => {
        // Keep the box on the image while it moves.
        const node = e.target as Konva.Rect;
        node.x(Math.max(0, Math.min(imageW - node.width(), node.x())));
        node.y(Math.max(0, Math.min(imageH - node.height(), node.y())));
      }}
      onDragEnd={(e) => onMoved(box.key, e.target.x(), e.target.y())}
      onTransformEnd={(e) => {
        // The Transformer scales the node; store the size in pixels and reset the scale.
        const node = e.target as Konva.Rect;
        const r = { left: node.x(), top: node.y(), width: node.width() * node.scaleX(), height: node.height() * node.scaleY() };
        node.setAttrs({ scaleX: 1, scaleY: 1, width: r.width, height: r.height });
        onResized(box.key, r);
      }}
    />
  );
});
