// The web front end process (issue 16): a plain page that shows a user's requests and notifications as they
// arrive over Socket.IO, on its own loopback port. Its own process, so its CPU and memory are the front end's;
// its fault switches (ui-*) act here and in the page, never in the backend, so a check of the backend's sockets
// cannot see them.
import type { ComponentState } from '../../../contract/http.ts';
import { parseFaults } from '../faults.ts';
import { announceReady, intEnv, listenLoopback, onShutdown, requireEnv, startingComponent } from '../lib/process.ts';
import { attachRelay } from './relay.ts';
import { createWebServer } from './server.ts';

await startingComponent('web');
const faults = parseFaults(process.env.SANDBOX_FAULTS);
const backendUrl = requireEnv('WEB_BACKEND_URL');
let restarts = 0;
process.on('message', (msg: { type?: string; components?: ComponentState[] }) => {
  if (msg?.type === 'components') restarts = msg.components?.find((c) => c.name === 'web')?.restarts ?? restarts;
});
const server = createWebServer({ backendUrl, faults, restarts: () => restarts });
const relay = attachRelay(server, backendUrl, faults);
const url = await listenLoopback(server, intEnv('WEB_PORT', 0, 0, 65535));
const on = Object.entries(faults).filter(([key, value]) => key.startsWith('ui') && value);
console.log(`web front end on ${url}, API and sockets of ${backendUrl}${on.length ? `; faults ${on.map(([k]) => k).join(', ')}` : ''}`);
announceReady('web', url);

onShutdown(async () => {
  relay.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
