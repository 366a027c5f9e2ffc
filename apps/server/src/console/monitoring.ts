/*
 * nats-server's monitoring endpoints, served by the broker's monitor functions (no second
 * implementation): nats-server's query options, 400 with a text message on a bad one, JSONP with
 * `?callback=`. (/metrics: metrics.ts.)
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  accountStatz,
  accountz,
  connzChunks,
  SharedRenders,
  gatewayz,
  healthz,
  recordHttpRequest,
  routez,
  subszChunks,
  varz,
  leafz,
  type Chunks,
  type Switchboard,
} from '@switchboard/broker';
import {
  MonitorError,
  parseAccountStatzQuery,
  parseAccountzQuery,
  parseConnzQuery,
  parseGatewayzQuery,
  parseHealthzQuery,
  parseLeafzQuery,
  parseRoutezQuery,
  parseSubszQuery,
  type QueryInput,
} from '@switchboard/shared';

export interface MonitoringOptions {
  server: Switchboard;
  /** Runs before each endpoint (e.g. the console login when monitoring is not public). */
  guard?: (req: FastifyRequest) => void;
}

/**
 * A view's answer: a body to serialize, or the JSON text as chunks, streamed as they are rendered
 * (the large views are rendered in slices, so that a view over thousands of connections never
 * stalls delivery).
 */
type Rendered = { status?: number; body: unknown } | { status?: number; chunks: Chunks };
type View = (server: Switchboard, query: QueryInput) => Rendered | Promise<Rendered>;

/** Identical requests while one is being rendered (e.g. several dashboards polling) share it. */
const shared = new WeakMap<Switchboard, SharedRenders>();
function sharedRender(server: Switchboard, key: string, plan: () => Promise<Chunks>): Promise<Chunks> {
  let s = shared.get(server);
  if (s === undefined) {
    s = new SharedRenders();
    shared.set(server, s);
  }
  return s.render(key, plan);
}

const connzView: View = async (s, q) => {
  const opts = parseConnzQuery(q);
  return { chunks: await sharedRender(s, `connz ${JSON.stringify(opts)}`, () => connzChunks(s, opts, 2)) };
};
const subszView: View = async (s, q) => {
  const opts = parseSubszQuery(q);
  return { chunks: await sharedRender(s, `subsz ${JSON.stringify(opts)}`, () => subszChunks(s, opts, 2)) };
};

const VIEWS: Record<string, View> = {
  '/varz': (s) => ({ body: varz(s) }),
  '/connz': connzView,
  '/routez': (s, q) => ({ body: routez(s, parseRoutezQuery(q)) }),
  '/gatewayz': (s, q) => ({ body: gatewayz(s, parseGatewayzQuery(q)) }),
  '/leafz': (s, q) => ({ body: leafz(s, parseLeafzQuery(q)) }),
  '/subsz': subszView,
  '/subscriptionsz': subszView,
  '/accountz': (s, q) => ({ body: accountz(s, parseAccountzQuery(q)) }),
  '/accstatz': (s, q) => ({ body: accountStatz(s, parseAccountStatzQuery(q)) }),
  '/healthz': (s, q) => {
    const h = healthz(s, parseHealthzQuery(q));
    return { status: h.status === 'ok' ? 200 : 503, body: h };
  },
};

const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]*$/;

/** The chunks wrapped in a JSONP call. */
async function* jsonp(cb: string, chunks: Chunks): AsyncGenerator<Buffer> {
  yield Buffer.from(`${cb}(`);
  yield* chunks;
  yield Buffer.from(')');
}

function send(reply: FastifyReply, query: Record<string, string>, result: Rendered): FastifyReply {
  const status = result.status ?? 200;
  const cb = query.callback;
  if (cb && !JSONP_CALLBACK.test(cb)) return reply.code(400).type('text/plain; charset=utf-8').send('invalid callback name');
  reply.code(status).type(cb ? 'application/javascript' : 'application/json');
  if ('chunks' in result) {
    // Written as the slices come (chunked transfer encoding, as nats-server's large answers).
    return reply.send(Readable.from(cb ? jsonp(cb, result.chunks) : result.chunks, { objectMode: false }));
  }
  const json = JSON.stringify(result.body, null, 2);
  return reply.send(cb ? `${cb}(${json})` : json);
}

export async function monitoringPlugin(app: FastifyInstance, opts: MonitoringOptions): Promise<void> {
  const { server } = opts;
  for (const [path, view] of Object.entries(VIEWS)) {
    app.get(path, async (req, reply) => {
      opts.guard?.(req);
      recordHttpRequest(server, path);
      const query = req.query as Record<string, string>;
      let result: Rendered;
      try {
        result = await view(server, query);
      } catch (e) {
        if (e instanceof MonitorError) return reply.code(e.status).type('text/plain; charset=utf-8').send(e.message);
        throw e;
      }
      return send(reply, query, result);
    });
  }
}
