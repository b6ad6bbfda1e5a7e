/**
 * What the grid planner edits: a draft of grids for one village (or for the
 * villages of a town), over the buildings and the village boundary they must
 * cover. The same shapes travel between the browser and the server.
 */
import type { PartitionFlag } from '../grid/partition.ts';
import type { MultiPolygonGeometry, Position } from './planner-geometry.ts';

export interface PlannerGrid {
  /** Stable within a draft (a new grid gets one when drawn); not the grid code. */
  key: string;
  /** The published grid this one continues (keeps its code), or null for a new grid (gets a new code on publish). */
  code: string | null;
  villageCode: string;
  name: string;
  boundary: MultiPolygonGeometry;
}

export interface PlannerBuilding {
  id: number;
  villageCode: string;
  households: number;
  residents: number;
  position: Position;
}

export interface PlannerVillage {
  code: string;
  name: string;
  boundary: MultiPolygonGeometry;
}

export type { PartitionFlag };
