import type { HealthStatus, HealthzOptions } from '@switchboard/shared';
import type { ServerView } from '../contracts/index.js';

/** /healthz: `ok` while the server accepts connections (JetStream checks do not apply). */
export function healthz(server: ServerView, _options: HealthzOptions = {}): HealthStatus {
  if (!server.isRunning) return { status: 'error', error: 'failed to be ready for connections after 1ms: startup did not complete' };
  return { status: 'ok' };
}
