/**
 * The bcrypt pool's worker thread (auth/bcrypt-pool.ts): answers `{ id, password, hash }` with
 * `{ id, ok }`, one check at a time. Packaged builds ship it as its own file beside the bundle.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

parentPort?.on('message', (job: { id: number; password: string; hash: string }) => {
  let ok = false;
  try {
    ok = bcrypt.compareSync(job.password, job.hash);
  } catch {
    ok = false;
  }
  parentPort?.postMessage({ id: job.id, ok });
});
