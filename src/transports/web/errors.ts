/**
 * Error bodies of the web API, sent in JSON responses and live `error` messages. The codes and texts are the
 * BW_WEB_* rows of the one error table, src/errors.ts (listed in docs/errors.md and docs/api.md).
 */
import { ERRORS, type ErrorCode } from '../../errors.js';

export type WebErrorCode = Extract<ErrorCode, `BW_WEB_${string}`>;

export function webError(code: WebErrorCode, detail = ''): { code: WebErrorCode; message: string } {
  return { code, message: ERRORS[code].replace('%s', detail) };
}
