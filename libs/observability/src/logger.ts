import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const MENTION_FIELDS = [
  'text',
  'title',
  'url',
  'author.handle',
  'author.name',
  'author.email',
  'author.location',
  'author.profileUrl',
];

/** Where personal data would sit in a logged object: a mention at the top, one or two levels down. */
export const PERSONAL_PATHS = [
  ...MENTION_FIELDS,
  ...MENTION_FIELDS.map((f) => `*.${f}`),
  ...MENTION_FIELDS.map((f) => `*.mention.${f}`),
  ...MENTION_FIELDS.map((f) => `*.*.mention.${f}`),
  'email',
  'handle',
  '*.email',
  '*.handle',
];

/** The one pino root of a process; components get `logger.child({ component })`. */
export function createLogger(opts: {
  service: string;
  level?: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
    // Defence in depth: no call site logs post text or contact data, and if one
    // ever passes a mention (or a record holding one), these fields are censored.
    redact: { paths: PERSONAL_PATHS, censor: '[redacted]' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
