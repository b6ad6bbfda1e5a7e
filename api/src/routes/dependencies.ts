import type { Database } from '@minqing/db';
import type { Clock } from '../cases/clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Readiness } from '../readiness.ts';
import type { TileService } from '../services/tiles.service.ts';

/** What route modules are given: the app's dependencies and the services built from them. */
export interface RouteDependencies {
  db: Database;
  config: Config;
  logger: Logger;
  state: Readiness;
  tiles: TileService;
  clock: Clock;
}
