// Builds the API without listening (tests and main.ts both use it).
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import type { Deps } from './context.ts';
import { installErrorHandler } from './errors.ts';
import { authRoutes } from './routes/auth.ts';
import { requestRoutes } from './routes/requests.ts';
import { paymentRoutes } from './routes/payments.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { opsRoutes } from './routes/ops.ts';
import { fixtureRoutes } from './routes/fixtures.ts';

// Configuration reads (health, version, metrics, chain facts) are not business calls: the suite's preflight reads
// them once before any flow, and one 500 there would stop the stage unmeasured instead of measuring the fault.
const UNFAULTED = new Set(['/health', '/version', '/metrics', '/chain']);

export interface AppOptions {
  /** Called after each response; main.ts uses it for backend-crash-after. */
  onResponse?: () => void;
}

export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(fastifyJwt, { secret: deps.jwtSecret, sign: { expiresIn: '12h' } });
  installErrorHandler(app);

  // Fault error-rate: a share of API calls fails before doing anything.
  if (deps.faults.errorRate > 0) {
    app.addHook('onRequest', async (req, reply) => {
      if (!UNFAULTED.has(req.url) && Math.random() < deps.faults.errorRate) {
        return reply.status(500).send({ error: 'internal', message: 'internal error (fault error-rate)' });
      }
    });
  }
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.http.observe({ method: req.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000);
    options.onResponse?.();
  });

  await app.register(authRoutes(deps));
  await app.register(requestRoutes(deps));
  await app.register(paymentRoutes(deps));
  await app.register(notificationRoutes(deps));
  await app.register(opsRoutes(deps));
  // Fixture deposits exist only when enabled and never in production: otherwise the route is a 404.
  if (deps.fixturesEnabled && process.env.NODE_ENV !== 'production') await app.register(fixtureRoutes(deps));
  return app;
}
