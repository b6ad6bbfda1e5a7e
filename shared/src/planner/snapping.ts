/**
 * Snapping while drawing and reshaping: a pointer position moves to the
 * nearest vertex of the village boundary, a neighbouring grid or a road when
 * one is within the tolerance, else to the nearest point on one of their
 * edges, else stays where it is.
 */
import { distanceToSegment, localPlane, type Position } from './planner-geometry.ts';

export interface SnapTargets {
  /** Lines to snap to: rings of the village and the grids, road centre lines. */
  lines: readonly (readonly Position[])[];
}

export function snapPosition(position: Position, targets: SnapTargets, toleranceMetres: number): Position {
  const plane = localPlane(position);
  let bestVertex: Position | null = null;
  let bestVertexDistance = toleranceMetres;
  let bestEdge: Position | null = null;
  let bestEdgeDistance = toleranceMetres;
  for (const line of targets.lines) {
    let previous: Position | null = null;
    let previousMetres: Position | null = null;
    for (const vertex of line) {
      const metres = plane.toMetres(vertex);
      const distance = Math.hypot(metres[0], metres[1]);
      if (distance <= bestVertexDistance) {
        bestVertex = vertex;
        bestVertexDistance = distance;
      }
      if (previous && previousMetres) {
        const edgeDistance = distanceToSegment(0, 0, previousMetres[0], previousMetres[1], metres[0], metres[1]);
        if (edgeDistance < bestEdgeDistance) {
          const dx = metres[0] - previousMetres[0];
          const dy = metres[1] - previousMetres[1];
          const lengthSquared = dx * dx + dy * dy || 1;
          const t = Math.max(0, Math.min(1, (-previousMetres[0] * dx - previousMetres[1] * dy) / lengthSquared));
          bestEdge = plane.toDegrees(previousMetres[0] + t * dx, previousMetres[1] + t * dy);
          bestEdgeDistance = edgeDistance;
        }
      }
      previous = vertex;
      previousMetres = metres;
    }
  }
  if (bestVertex) return [bestVertex[0], bestVertex[1]];
  return bestEdge ?? position;
}
