/**
 * Error codes of the web API, sent in JSON bodies and live `error` messages. They are not in src/errors.ts yet
 * (that table belongs to the lead); docs/api.md lists them and the report asks for them to be added there.
 */
export const WEB_ERRORS = {
  BW_WEB_AUTH_REQUIRED: 'sign in first',
  BW_WEB_AUTH_FAILED: 'user name or password is wrong',
  BW_WEB_BAD_MESSAGE: 'message is not valid: %s',
  BW_WEB_BAD_QUERY: 'query parameter is not valid: %s',
  BW_WEB_LABEL_ABOVE_CLEARANCE: 'cannot publish above your own clearance',
  BW_WEB_NOT_OWNER: 'only the session that created an item may delete it',
  BW_WEB_TOO_FAST: 'too many messages: slow down',
} as const;

export type WebErrorCode = keyof typeof WEB_ERRORS;

export function webError(code: WebErrorCode, detail = ''): { code: WebErrorCode; message: string } {
  return { code, message: WEB_ERRORS[code].replace('%s', detail) };
}
