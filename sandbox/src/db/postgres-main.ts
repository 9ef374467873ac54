// The Postgres component as its own supervised process: it owns the postmaster
// (same process group) and stops it when told to or when the launcher dies.
import { startPostgres } from '../launcher/postgres.ts';
import { announceReady, onShutdown, startingComponent } from '../lib/process.ts';

await startingComponent('postgres');
const pg = await startPostgres((line) => console.error(line));
// The URL carries the password: it travels over IPC only, never to a terminal.
if (process.send) announceReady('postgres', pg.url, pg.pid);
else console.log('postgres ready (run it through the launcher to get its URL)');
onShutdown(() => pg.stop());
