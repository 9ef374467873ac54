// Health, versions, metrics and chain facts: unauthenticated, for probes and the sampler.
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { ComponentState } from '../../../../contract/http.ts';
import type { Deps } from '../context.ts';
import { renderMetrics } from '../metrics.ts';

const require = createRequire(import.meta.url);
const pkg = require('../../../package.json') as { version: string };

async function probe(name: string, check: () => Promise<unknown>, base?: ComponentState): Promise<ComponentState> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref())]);
    return { name, state: base?.state === 'external' ? 'external' : 'up', restarts: base?.restarts ?? 0, pid: base?.pid ?? null };
  } catch (err) {
    return { name, state: 'down', restarts: base?.restarts ?? 0, pid: base?.pid ?? null, detail: (err as Error).message };
  }
}

export const opsRoutes = (deps: Deps) => async (app: FastifyInstance) => {
  app.get('/health', async (_req, reply) => {
    const known = new Map(deps.components().map((c) => [c.name, c]));
    const components = await Promise.all([
      Promise.resolve<ComponentState>({ name: 'backend', state: 'up', restarts: known.get('backend')?.restarts ?? 0, pid: process.pid }),
      probe('postgres', () => deps.db.query('SELECT 1'), known.get('postgres')),
      probe('chain', () => deps.chain.provider.getBlockNumber(), known.get('chain')),
      probe(
        'scanner',
        async () => {
          if (!deps.scannerUrl) throw new Error('SCANNER_URL is not set');
          const res = await fetch(`${deps.scannerUrl}/health`);
          if (!res.ok) throw new Error(`scanner answered ${res.status}`);
        },
        known.get('scanner'),
      ),
    ]);
    const status = components.every((c) => c.state === 'up' || c.state === 'external') ? 'ok' : 'degraded';
    return reply.status(status === 'ok' ? 200 : 503).send({ status, components });
  });

  app.get('/version', async () => {
    const [pgVersion, chainVersion] = await Promise.all([
      deps.db
        .query<{ server_version: string }>('SHOW server_version')
        .then((r) => r.rows[0]!.server_version)
        .catch(() => 'unknown'),
      deps.chain.provider.send('web3_clientVersion', []).catch(() => 'unknown') as Promise<string>,
    ]);
    return {
      service: 'escrow-sandbox',
      gitSha: deps.gitSha,
      components: {
        backend: { version: pkg.version, gitSha: deps.gitSha },
        scanner: { version: pkg.version, gitSha: deps.gitSha },
        // The web front end ships with the backend; listed when the launcher runs it.
        ...(deps.components().some((c) => c.name === 'web') ? { web: { version: pkg.version, gitSha: deps.gitSha } } : {}),
        postgres: { version: pgVersion },
        chain: { version: chainVersion },
        token: { version: `${deps.chain.tokenSymbol}@${deps.chain.tokenAddress}` },
        node: { version: process.version },
      },
    };
  });

  app.get('/metrics', async (_req, reply) => {
    for (const c of deps.components()) deps.metrics.restarts.set({ name: c.name }, c.restarts);
    return reply.type('text/plain; version=0.0.4').send(await renderMetrics(deps.metrics, deps.scannerUrl));
  });

  app.get('/chain', async () => ({
    chainId: deps.chain.chainId,
    tokenAddress: deps.chain.tokenAddress,
    tokenSymbol: deps.chain.tokenSymbol,
    tokenDecimals: deps.chain.tokenDecimals,
    requiredConfirmations: deps.chain.requiredConfirmations,
    rpcUrl: deps.chain.rpcUrl,
    fixturesEnabled: deps.fixturesEnabled && process.env.NODE_ENV !== 'production',
    statusRouteEnabled: deps.statusRouteEnabled,
  }));
};
