import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Write to this file descriptor (1 = stdout). */
  destination?: number | string;
  /** Write each line before returning (tests that read the file); default false: buffered, off the hot path. */
  sync?: boolean;
}

/**
 * The process logger: pino JSON lines. Secrets are `Secret` objects (they print as "[redacted]"); the redact
 * paths are a second fence for fields that must never reach a log even if a raw value slips in.
 */
export function createLogger(options: LoggerOptions): Logger {
  const family = new Set<WeakRef<Logger>>();
  const root = pino(
    {
      level: options.level,
      // Children (one per layer, made at start and on reloads) are remembered so setLogLevel reaches them.
      onChild: (child) => {
        if (family.size >= 64) for (const ref of family) if (!ref.deref()) family.delete(ref);
        family.add(new WeakRef(child));
      },
      base: { name: 'portcullis' },
      redact: {
        paths: ['secret', '*.secret', 'password', '*.password', 'client_secret', '*.client_secret', 'msk', '*.msk'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: options.destination ?? 1, sync: options.sync ?? false }),
  );
  families.set(root, family);
  return root;
}

const families = new WeakMap<Logger, Set<WeakRef<Logger>>>();

/**
 * Sets the level of a logger made by createLogger and of all its children (a reload that changes log.level):
 * a pino child keeps the level it was made with.
 */
export function setLogLevel(root: Logger, level: string): void {
  root.level = level;
  for (const ref of families.get(root) ?? []) {
    const child = ref.deref();
    if (child) child.level = level;
  }
}

/** A logger that drops everything (tests, CLI commands that print their own output). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
