// Graceful shutdown: on SIGTERM/SIGINT run the closers in order (stop taking work, drain, close
// connections), then exit; a second signal or a stuck closer exits at once.
import type { Logger } from './logger.js';

export function onShutdown(log: Logger, closers: Array<() => Promise<unknown>>, timeoutMs = 25_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        log.error({ err }, 'error while shutting down');
      }
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
