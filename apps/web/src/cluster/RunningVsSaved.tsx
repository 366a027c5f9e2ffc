/*
 * Running vs saved, side by side, for one config block, while changes to it wait for the next
 * restart: GET /api/config's `pending` (the file's changes the running server has not applied,
 * as the config store computes them), one row per setting with the running and the saved value.
 */
import type { ConfigState } from '../config/useConfig';

const show = (v: unknown) => (v === undefined ? '(not set)' : typeof v === 'string' ? v : JSON.stringify(v));

export function RunningVsSaved({ block, config }: { block: 'cluster' | 'gateway'; config: ConfigState | undefined }) {
  const changes = (config?.pending ?? []).filter((c) => c.path === block || c.path.startsWith(`${block}.`) || c.path.startsWith(`${block}[`));
  if (changes.length === 0) return null;
  return (
    <div className="alert warn" data-testid={`${block}-pending`} role="status">
      <strong>Saved, applies at next restart.</strong> The file is at revision {config?.revision}; the server runs revision {config?.running ?? '?'}.
      <div className="table-wrap" style={{ marginTop: 6 }}>
        <table>
          <thead>
            <tr>
              <th>Setting</th>
              <th>Running</th>
              <th>Saved (pending)</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.path} data-testid="pending-row" data-path={c.path}>
                <td className="mono small">{c.path}</td>
                <td className="mono small" data-testid="pending-running">
                  {show(c.old)}
                </td>
                <td className="mono small" data-testid="pending-saved">
                  {show(c.new)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
