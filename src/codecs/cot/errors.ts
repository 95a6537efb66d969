/** CoT codec error helpers. */
import { CodecError, type ErrorCode } from '../../errors.js';

/** Build a CoT codec error. */
export function cotError(code: ErrorCode, args: unknown[] = [], offset?: number): CodecError {
  return new CodecError(code, 'cot-xml', args, offset);
}

/** BW_COT_MALFORMED saying what is wrong and where. */
export function malformed(what: string, offset: number): CodecError {
  return cotError('BW_COT_MALFORMED', [what], offset);
}
