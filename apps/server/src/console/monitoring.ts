/*
 * nats-server's monitoring endpoints, served by the broker's monitor functions (no second
 * implementation): nats-server's query options, 400 with a text message on a bad one, JSONP with
 * `?callback=`. (/metrics: metrics.ts.)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  accountStatz,
  accountz,
  connzBody,
  gatewayz,
  healthz,
  recordHttpRequest,
  routez,
  subszBody,
  varz,
  leafz,
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

/** A view's answer: a body to serialize, or JSON text already rendered (the large views render in slices). */
type Rendered = { status?: number; body: unknown } | { status?: number; json: string | Buffer };
type View = (server: Switchboard, query: QueryInput) => Rendered | Promise<Rendered>;

const VIEWS: Record<string, View> = {
  '/varz': (s) => ({ body: varz(s) }),
  // Rendered a slice at a time so that a view over thousands of connections never stalls delivery.
  '/connz': async (s, q) => ({ json: await connzBody(s, parseConnzQuery(q), 2) }),
  '/routez': (s, q) => ({ body: routez(s, parseRoutezQuery(q)) }),
  '/gatewayz': (s, q) => ({ body: gatewayz(s, parseGatewayzQuery(q)) }),
  '/leafz': (s, q) => ({ body: leafz(s, parseLeafzQuery(q)) }),
  '/subsz': async (s, q) => ({ json: await subszBody(s, parseSubszQuery(q), 2) }),
  '/subscriptionsz': async (s, q) => ({ json: await subszBody(s, parseSubszQuery(q), 2) }),
  '/accountz': (s, q) => ({ body: accountz(s, parseAccountzQuery(q)) }),
  '/accstatz': (s, q) => ({ body: accountStatz(s, parseAccountStatzQuery(q)) }),
  '/healthz': (s, q) => {
    const h = healthz(s, parseHealthzQuery(q));
    return { status: h.status === 'ok' ? 200 : 503, body: h };
  },
};

const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]*$/;

function send(reply: FastifyReply, query: Record<string, string>, result: Rendered): FastifyReply {
  const status = result.status ?? 200;
  const json = 'json' in result ? result.json : JSON.stringify(result.body, null, 2);
  const cb = query.callback;
  if (cb) {
    if (!JSONP_CALLBACK.test(cb)) return reply.code(400).type('text/plain; charset=utf-8').send('invalid callback name');
    return reply.code(status).type('application/javascript').send(`${cb}(${json.toString()})`);
  }
  return reply.code(status).type('application/json').send(json);
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
