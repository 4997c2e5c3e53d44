import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * JSON logs for operators, pretty ones in development. Message bodies, names, emails and phone
 * numbers are never logged: callers pass ids (caseId, jobId) only, and these paths are redacted
 * in case one slips through.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['*.name', '*.email', '*.phone', '*.body', '*.text', '*.token', '*.password'],
      censor: '[redacted]',
    },
    ...(config.NODE_ENV === 'development' ? { transport: { target: 'pino-pretty' } } : {}),
  });
}
