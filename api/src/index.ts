export { createApp, type App, type AppDependencies } from './app.ts';
export {
  loadConfig,
  readEnvironment,
  describeConfig,
  ConfigError,
  repositoryRoot,
  type Config,
  type LogLevel,
} from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { Readiness, type ReadinessSnapshot, type ReadinessStatus, type ReadyDetails } from './readiness.ts';
export { DomainError, InvalidInputError, NotFoundError, ConflictError, ForbiddenError, UnavailableError } from './errors.ts';
export { TileService, SERVED_TILE_LAYERS, type TileResult } from './services/tiles.service.ts';
export { TILE_ENCODERS, canEncodeWithPostgis, type TileEncoder, type TileEncoderName } from './tiles/tile-encoders.ts';
export { TILE_LAYER_DEFINITIONS, type TileLayerDefinition } from './tiles/tile-layers.ts';
export { tileFrame, TILE_EXTENT, TILE_BUFFER, type TileFrame } from './tiles/tile-frame.ts';
export { TILE_CONTENT_TYPE, TILE_CACHE_CONTROL } from './routes/tiles.routes.ts';
export { ManualClock, systemClock, type Clock } from './cases/clock.ts';
export { sweepCards, CARD_SWEEP_QUEUE, type SweepResult } from './jobs/card-sweep.job.ts';
export { registerCase, type IntakeResult } from './cases/intake.service.ts';
export { actOnCase } from './cases/actions.service.ts';
export { SESSION_COOKIE, FAILURE_LIMITS } from './auth/sessions.service.ts';
export type { Actor } from './auth/actor.ts';
export { generateCaseHistory, type CaseHistoryOptions, type CaseHistorySummary } from './analytics/case-history.ts';
export { processQueuedRuns, queueRun, executeRun, type AnalyticsRun } from './analytics/analytics-runs.ts';
export { queueNightlyAnalytics } from './jobs/analytics.job.ts';
