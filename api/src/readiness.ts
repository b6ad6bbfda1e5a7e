/**
 * Where the process stands: 'starting' while migrations run and the demo
 * district is generated, 'ready' once the database holds what the app needs,
 * 'failed' when that preparation failed (the process keeps answering health).
 */
import type { DemoOutcome } from '@minqing/db';

export type ReadinessStatus = 'starting' | 'ready' | 'failed';

export interface ReadyDetails {
  /** Migrations in place (applied now plus applied before). */
  migrations: number;
  demo: DemoOutcome | null;
}

export interface ReadinessSnapshot {
  status: ReadinessStatus;
  /** What is happening, or why it failed. */
  detail: string;
  ready: ReadyDetails | null;
  since: Date;
}

export class Readiness {
  private snapshot: ReadinessSnapshot = { status: 'starting', detail: 'preparing the database', ready: null, since: new Date() };

  get current(): ReadinessSnapshot {
    return this.snapshot;
  }

  get isReady(): boolean {
    return this.snapshot.status === 'ready';
  }

  /** A step of the preparation, shown by health while starting. */
  progress(detail: string): void {
    if (this.snapshot.status === 'starting') this.snapshot = { ...this.snapshot, detail };
  }

  markReady(details: ReadyDetails): void {
    this.snapshot = { status: 'ready', detail: 'ready', ready: details, since: new Date() };
  }

  markFailed(reason: string): void {
    this.snapshot = { status: 'failed', detail: reason, ready: null, since: new Date() };
  }
}
