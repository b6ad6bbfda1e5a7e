/**
 * The report of an import's checks, made before anything is written: every
 * problem names its check, how bad it is, the feature or row (file,
 * position, code, name) and where it is on the map. Errors block the commit;
 * warnings do not; 'repaired' marks a shape ST_MakeValid fixed because the
 * user accepted repairs.
 *
 * Slivers: where boundaries digitised by different hands meet, tiny overlaps
 * and overhangs are normal. An overlap between siblings, or a part of a child
 * outside its parent, is an error only when it is larger than a sliver —
 * more than SLIVER_SHARE of the smaller shape's area or more than
 * SLIVER_SQUARE_METRES; smaller ones are warnings. Gaps between siblings are
 * warnings: a point in a gap still belongs to the parent.
 */

export const PROBLEM_CHECKS = [
  // Attributes.
  'empty_attribute',
  'malformed_code',
  'duplicate_code',
  'level_mismatch',
  'unknown_value',
  'bad_number',
  // Geometry of one feature.
  'empty_geometry',
  'wrong_geometry_type',
  'invalid_geometry',
  // Between features.
  'orphan',
  'outside_parent',
  'overlap',
  'gap',
  'second_district',
  'no_district',
  // Rows of tables.
  'bad_coordinates',
  'outside_jurisdiction',
  'outside_villages',
  'unmatched_address',
  'scattered_address',
  'unknown_reference',
  'weak_password',
  // Consequences for what is already there.
  'grid_outside_village',
  'grids_replaced',
] as const;
export type ProblemCheck = (typeof PROBLEM_CHECKS)[number];

export type ProblemSeverity = 'error' | 'warning' | 'repaired';

export interface ImportProblem {
  check: ProblemCheck;
  severity: ProblemSeverity;
  /** The file's display name and number in the session; null for problems of the whole import. */
  file: string | null;
  fileNo: number | null;
  /** Feature or row number in the file, from 1. */
  position: number | null;
  code: string | null;
  name: string | null;
  message: string;
  /** A point to show on the map, WGS-84 [longitude, latitude]. */
  location: [number, number] | null;
  /** Area concerned (overlap, gap, outside part), in square metres. */
  areaSquareMetres: number | null;
}

export interface ChangeCounts {
  added: number;
  changed: number;
  unchanged: number;
  /** Already in place and not in the files: left as they are. */
  kept: number;
  /** In place and taken out of service by the commit (grids of a village whose grid set the files replace). */
  retired: number;
}

export interface ImportReport {
  kind: string;
  checkedAt: string;
  /** The user accepted repairs of invalid shapes for this check. */
  acceptRepairs: boolean;
  errors: number;
  warnings: number;
  repaired: number;
  /** Problems, errors first; at most MAX_LISTED per check (`omitted` counts the rest). */
  problems: ImportProblem[];
  omitted: number;
  /** What a commit would do, per level or kind of record ('district', 'town', 'village', 'grid', 'building', 'unit', 'user'). */
  changes: Record<string, ChangeCounts>;
  notes: string[];
  canCommit: boolean;
}

export const SLIVER_SHARE = 0.001;
export const SLIVER_SQUARE_METRES = 1_000;
/** Differences under this many square metres are not reported at all (rounding of coordinates). */
export const NEGLIGIBLE_SQUARE_METRES = 1;
export const MAX_LISTED = 200;

/** Whether an overlap or overhang of `area` m² is a sliver (a warning) next to a shape of `reference` m². */
export function isSliver(area: number, reference: number): boolean {
  return area <= SLIVER_SQUARE_METRES && area <= Math.max(reference, 0) * SLIVER_SHARE;
}

export function formatArea(squareMetres: number): string {
  if (squareMetres >= 1_000_000) return `${(squareMetres / 1_000_000).toFixed(2)} km²`;
  if (squareMetres >= 10_000) return `${(squareMetres / 10_000).toFixed(2)} ha`;
  return `${Math.round(squareMetres).toLocaleString('en')} m²`;
}

const SEVERITY_ORDER: Record<ProblemSeverity, number> = { error: 0, repaired: 1, warning: 2 };

/** Collects problems and builds the report. */
export class ReportBuilder {
  private readonly problems: ImportProblem[] = [];
  /** Problems counted but not listed (a table with thousands of bad rows lists the first ones). */
  private readonly unlisted = { error: 0, warning: 0, repaired: 0 };
  readonly notes: string[] = [];
  readonly changes: Record<string, ChangeCounts> = {};

  constructor(
    readonly kind: string,
    readonly acceptRepairs: boolean,
  ) {}

  add(
    problem: Omit<ImportProblem, 'location' | 'areaSquareMetres' | 'code' | 'name' | 'file' | 'fileNo' | 'position'> &
      Partial<ImportProblem>,
  ): void {
    this.problems.push({
      file: null,
      fileNo: null,
      position: null,
      code: null,
      name: null,
      location: null,
      areaSquareMetres: null,
      ...problem,
    });
  }

  /** Counts `count` more problems of a kind than were added one by one. */
  addUnlisted(severity: ProblemSeverity, count: number): void {
    this.unlisted[severity] += Math.max(0, count);
  }

  get errorCount(): number {
    return this.problems.filter((problem) => problem.severity === 'error').length + this.unlisted.error;
  }

  build(now: Date): ImportReport {
    const sorted = [...this.problems].sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        PROBLEM_CHECKS.indexOf(a.check) - PROBLEM_CHECKS.indexOf(b.check) ||
        (a.fileNo ?? 0) - (b.fileNo ?? 0) ||
        (a.position ?? 0) - (b.position ?? 0),
    );
    const listedPerCheck = new Map<string, number>();
    const listed: ImportProblem[] = [];
    for (const problem of sorted) {
      const key = `${problem.check}/${problem.severity}`;
      const count = listedPerCheck.get(key) ?? 0;
      listedPerCheck.set(key, count + 1);
      if (count < MAX_LISTED) listed.push(problem);
    }
    const count = (severity: ProblemSeverity) =>
      this.problems.filter((problem) => problem.severity === severity).length + this.unlisted[severity];
    const errors = count('error');
    return {
      kind: this.kind,
      checkedAt: now.toISOString(),
      acceptRepairs: this.acceptRepairs,
      errors,
      warnings: count('warning'),
      repaired: count('repaired'),
      problems: listed,
      omitted: this.problems.length - listed.length + this.unlisted.error + this.unlisted.warning + this.unlisted.repaired,
      changes: this.changes,
      notes: this.notes,
      canCommit: errors === 0,
    };
  }
}
