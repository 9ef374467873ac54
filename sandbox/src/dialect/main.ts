// The dialect process: a second API ("bazaar", SANDBOX_DIALECT) over the same backend, on its own
// loopback port. It holds no business logic: every call is translated to the backend's own HTTP API and
// Socket.IO; it keeps only its numbers for the backend's UUIDs (table bazaar_ids).
import type { ChainInfo } from '../../../contract/http.ts';
import { createPool } from '../db/pool.ts';
import { StartupError } from '../launcher/startup-error.ts';
import { announceReady, intEnv, listenLoopback, onShutdown, requireEnv, startingComponent } from '../lib/process.ts';
import { buildBazaar } from './app.ts';
import { Backend } from './backend.ts';
import { DIALECT_COMPONENT, parseDialect } from './dialects.ts';
import { Numbers } from './ids.ts';
import { attachLive } from './live.ts';
import { Money } from './money.ts';
import { Translate } from './translate.ts';

await startingComponent(DIALECT_COMPONENT);
const dialect = parseDialect(process.env.SANDBOX_DIALECT) ?? 'bazaar';
const backendUrl = requireEnv('DIALECT_BACKEND_URL');
const backend = new Backend(backendUrl);
// The token's decimals, read once: every amount is converted with them.
const chain = await backend.call<ChainInfo>('GET', '/chain').then(
  (res) => res.data,
  (err: Error) => {
    throw new StartupError({
      component: DIALECT_COMPONENT,
      what: `could not read GET /chain of the backend at ${backendUrl}: ${err.message}`,
      cause: 'the backend is down or is not the sandbox backend',
      todo: 'read the backend log next to this one',
    });
  },
);
const db = createPool(requireEnv('PG_URL'), 10);
const ids = await Numbers.open(db);
const money = new Money(chain.tokenDecimals);
const t = new Translate(ids, money);
const app = await buildBazaar({ backend, ids, money, t });
await app.ready();
const live = attachLive(app.server, backendUrl, t);
const port = intEnv('DIALECT_PORT', 0, 0, 65535);
const url = await listenLoopback(app.server, port);
console.log(`${dialect} dialect on ${url}, translating to ${backendUrl} (token decimals ${chain.tokenDecimals})`);
announceReady(DIALECT_COMPONENT, url);

onShutdown(async () => {
  live.close();
  await app.close();
  await db.end();
});
