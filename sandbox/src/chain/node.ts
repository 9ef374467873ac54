// The chain component: a hardhat@2 JSON-RPC node on a free loopback port.
// Run as its own process by the launcher; reports its URL over IPC.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { announceReady, startingComponent } from '../lib/process.ts';

await startingComponent('chain');

process.env.HARDHAT_CONFIG ??= fileURLToPath(new URL('./hardhat.config.cjs', import.meta.url));
process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = 'true';
const require = createRequire(import.meta.url);
const hre = require('hardhat');
const { TASK_NODE_CREATE_SERVER } = require('hardhat/builtin-tasks/task-names');

const server = await hre.run(TASK_NODE_CREATE_SERVER, { hostname: '127.0.0.1', port: 0, provider: hre.network.provider });
const { port } = await server.listen();
const url = `http://127.0.0.1:${port}`;
announceReady('rpc', url);

const stop = async () => {
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop); // the launcher died: do not outlive it
