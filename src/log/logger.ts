import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Write to this file descriptor (1 = stdout). */
  destination?: number | string;
}

/**
 * The process logger: pino JSON lines. Secrets are `Secret` objects (they print as "[redacted]"); the redact
 * paths are a second fence for fields that must never reach a log even if a raw value slips in.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { name: 'portcullis' },
      redact: {
        paths: ['secret', '*.secret', 'password', '*.password', 'client_secret', '*.client_secret', 'msk', '*.msk'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: options.destination ?? 1, sync: false }),
  );
}

/** A logger that drops everything (tests, CLI commands that print their own output). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
