/** Structured logs: one JSON line per event (pino), one line per request. */
import pino from 'pino';
import type { LogLevel } from './config.ts';

export type Logger = pino.Logger;

export function createLogger(level: LogLevel = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'minqing-api' } }, destination);
}
