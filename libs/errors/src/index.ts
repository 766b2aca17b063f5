export { ERROR_CODES, errorCodes, type ErrorCode } from './codes.ts';
export { HarkError, isHarkError, isRetriable, type HarkErrorOptions } from './hark-error.ts';
