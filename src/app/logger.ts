/** The one structured logger, made from config and passed down. */
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(cfg: Config['log']): Logger {
  if (cfg.pretty) {
    return pino({ level: cfg.level, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino({ level: cfg.level });
}
