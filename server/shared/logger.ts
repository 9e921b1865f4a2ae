type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, extra?: object): void;
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
}

/** One JSON line per event on stderr, so logs stay greppable and machine-readable. */
export function createLogger(level: Level = 'info'): Logger {
  const emit = (at: Exclude<Level, 'silent'>) => (msg: string, extra?: object) => {
    if (order[at] < order[level]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...extra })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
