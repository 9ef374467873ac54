// Builds bazaar's HTTP server without listening (main.ts listens; Socket.IO attaches to its server).
import Fastify, { type FastifyInstance } from 'fastify';
import { bazaarRoutes, type BazaarDeps } from './routes.ts';

export async function buildBazaar(deps: BazaarDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  // On the root instance, not a plugin: its error and not-found handlers answer every route in bazaar's shape.
  await bazaarRoutes(deps)(app);
  return app;
}
