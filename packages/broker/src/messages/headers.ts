/*
 * NATS message headers (protocol.md, HPUB/HMSG): a block `NATS/1.0[ <status>[ <description>]]\r\n`,
 * then `Name: value\r\n` lines, then an empty line. Names keep their case and may repeat; order is
 * kept. Used by the console's message tools to build a published header block and to show the
 * headers of a received one.
 */

export type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface ParsedHeaders {
  /** The status code of the first line (`503` for no responders), '' when none. */
  status: string;
  /** The text after the status code, '' when none. */
  description: string;
  headers: Array<[string, string]>;
}

const CRLF = '\r\n';

/** Why a header name or value cannot go on the wire, or null when it can. */
export function headerError(name: string, value: string): string | null {
  if (name.length === 0) return 'header name is empty';
  // A token of visible ASCII without ':' (the line's separator); the value may not break the line.
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) return `header name "${name}" may contain only visible ASCII characters, no ':' or spaces`;
  if (/[\r\n]/.test(value)) return `header "${name}" value must not contain a line break`;
  return null;
}

/** The header block for `headers` (throws on a name or value that cannot go on the wire). */
export function encodeHeaders(headers: HeaderList): Buffer {
  let s = `NATS/1.0${CRLF}`;
  for (const [name, value] of headers) {
    const err = headerError(name, value);
    if (err !== null) throw new Error(err);
    s += `${name}: ${value}${CRLF}`;
  }
  return Buffer.from(s + CRLF, 'utf8');
}

/** Parses a header block (`buf[start, end)`); lines that are not `Name: value` are skipped. */
export function decodeHeaders(buf: Buffer, start: number, end: number): ParsedHeaders {
  const text = buf.toString('utf8', start, end);
  const lines = text.split(CRLF);
  const first = lines[0] ?? '';
  let status = '';
  let description = '';
  if (first.startsWith('NATS/1.0')) {
    const rest = first.slice('NATS/1.0'.length).trim();
    if (rest !== '') {
      const sp = rest.indexOf(' ');
      status = sp < 0 ? rest : rest.slice(0, sp);
      description = sp < 0 ? '' : rest.slice(sp + 1).trim();
    }
  }
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { status, description, headers };
}
