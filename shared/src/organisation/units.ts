/**
 * Organisation units and the five-level ladder of 万州:
 * L1 village/community (station, liaison points), L2 town/street (service centre),
 * L3 command center and district departments, L4 leader in charge (分管领导),
 * L5 principal leaders (区委、区政府主要领导).
 */
export const UNIT_KINDS = [
  'command_center',
  'department',
  'town_center',
  'village_station',
  'liaison_point',
  'leader_office',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const LADDER_LEVELS = [1, 2, 3, 4, 5] as const;
export type LadderLevel = (typeof LADDER_LEVELS)[number];

/** The ladder levels a unit of each kind may sit at. */
export const UNIT_KIND_LEVELS: Record<UnitKind, readonly LadderLevel[]> = {
  village_station: [1],
  liaison_point: [1],
  town_center: [2],
  command_center: [3],
  department: [3],
  leader_office: [4, 5],
};

export const ROLES = [
  'administrator',
  'dispatcher',
  'leader',
  'department_handler',
  'town_officer',
  'village_cadre',
  'grid_worker',
  'planner',
  'wall_viewer',
] as const;
export type Role = (typeof ROLES)[number];
