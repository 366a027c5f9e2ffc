/*
 * Server-sent events read from a fetch() response body: the tail is a POST (same-origin checked,
 * its errors answered as JSON with a status), which EventSource cannot send. Parses the
 * `event:` / `data:` framing of the event-stream format; comments (`: ping`) are skipped.
 */

export interface SseEvent {
  type: string;
  data: string;
}

/** Feeds text chunks in, gets whole events out; a partial event waits for the next chunk. */
export class SseParser {
  private buf = '';

  push(chunk: string): SseEvent[] {
    this.buf += chunk.replace(/\r\n?/g, '\n');
    const out: SseEvent[] = [];
    let end: number;
    while ((end = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) out.push({ type, data: data.join('\n') });
    }
    return out;
  }
}

/** Reads `body` to its end (or until `signal` aborts), calling `onEvent` for each event. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (e: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const e of parser.push(decoder.decode(value, { stream: true }))) onEvent(e);
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
