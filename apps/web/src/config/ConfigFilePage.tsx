import { Link } from 'react-router';
import { ErrorBox, Loading } from '../components/states';
import { useCanWrite } from '../auth/useSession';
import { baseName, downloadText } from '../lib/download';
import { useConfigQuery } from './useConfig';

const ADMINS_ONLY = 'The file text is shown to admins only: it holds passwords and tokens, and the server offers viewers no redacted copy yet.';

/** The current config file, whole and read-only, with a download of exactly that text. */
export function ConfigFilePage() {
  const config = useConfigQuery();
  const { canWrite } = useCanWrite();
  if (config.isPending) return <Loading what="Loading the configuration" />;
  if (config.error || !config.data) return <ErrorBox action="load the configuration" error={config.error} onRetry={() => void config.refetch()} />;
  const { text, configFile, revision } = config.data;
  const fileName = baseName(configFile, 'switchboard.conf');
  const lines = text?.split('\n') ?? [];
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return (
    <div>
      <div className="page-head">
        <h1>Config file</h1>
        <span title={text === undefined ? ADMINS_ONLY : undefined} style={{ display: 'inline-block' }}>
          <button type="button" className="primary" disabled={text === undefined} onClick={() => text !== undefined && downloadText(fileName, text)} data-disabled-reason={text === undefined ? ADMINS_ONLY : undefined}>
            Download {fileName}
          </button>
        </span>
      </div>
      <p className="muted small" style={{ marginTop: 0 }} data-testid="config-file-meta">
        {configFile ? (
          <>
            <code>{configFile}</code> at revision <code>{revision}</code>: the file as the server last loaded or the console last wrote it (edits made on disk show here after a
            reload). Change it through the <Link to="/accounts">account</Link> and <Link to="/gateways">gateway</Link> editors; every change is kept in the{' '}
            <Link to="/history">history</Link>.
          </>
        ) : (
          <>
            The server runs without a config file (<code>-c</code>): this is its running configuration written in config-file form (revision <code>{revision}</code>), for
            example to start from.
          </>
        )}
      </p>
      {text === undefined ? (
        <div className="alert info" role="note" data-testid="config-file-hidden">
          {canWrite ? 'The server did not send the file text.' : ADMINS_ONLY}
        </div>
      ) : (
        <div className="file-view" role="region" aria-label={`Contents of ${fileName}`} tabIndex={0} data-testid="config-file">
          <table>
            <tbody>
              {lines.map((l, i) => (
                <tr key={i}>
                  <td className="ln" aria-hidden="true">
                    {i + 1}
                  </td>
                  <td className="code">{l || '\u00a0'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
