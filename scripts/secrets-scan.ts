// npm run test:secrets - a real stage run with known fake secrets in its
// environment (a Redis and a MongoDB password in URLs, the funder's private
// key, an OTLP API key header), then every file it wrote is searched for them
// and for any JWT.
// Blob reports are zip files: their entries are searched unzipped (the HTML
// report embeds the same data).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../config/paths.ts';
import type { Report } from '../reporter/schema.ts';

const FUNDER_KEY = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'; // the sandbox's hardhat funder
const SECRETS = ['FakeRedisPassw0rd', 'FakeMongoPassw0rd', 'FakeOtlpT0ken', FUNDER_KEY];
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;
const runId = `secrets-${Date.now().toString(36)}`;

const code = await new Promise<number>((resolve) => {
  const child = spawn('npx', ['playwright', 'test', '--project=C1'], {
    env: {
      ...process.env,
      BASE_URL: '',
      RUN_ID: runId,
      PAYMENT_MODE: 'live',
      CONCURRENCY_LEVELS: '1',
      // Closed loopback ports: the probes fail, and their error messages carry the URLs.
      REDIS_URL: 'redis://:FakeRedisPassw0rd@127.0.0.1:9/0',
      MONGO_URL: 'mongodb://ops:FakeMongoPassw0rd@127.0.0.1:9/escrow?serverSelectionTimeoutMS=1000',
      // An OTLP collector that is down: the export's failure is printed and reported, its API key never.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=FakeOtlpT0ken',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.on('exit', (c) => {
    const leaked = SECRETS.filter((s) => out.includes(s));
    if (leaked.length) console.log(`LEAK in the run's console output: ${leaked.map((s) => `${s.slice(0, 4)}…`).join(', ')}`);
    resolve(leaked.length ? 99 : (c ?? 1));
  });
});

function* files(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const dirs = [runDir(runId), 'test-results', 'playwright-report', 'allure-results', 'blob-report'];
const findings: string[] = [];
let scanned = 0;
for (const dir of dirs) {
  for (const file of files(dir)) {
    const contents = file.endsWith('.zip')
      ? spawnSync('unzip', ['-p', file], { maxBuffer: 1 << 28 }).stdout.toString('utf8')
      : readFileSync(file).toString('utf8');
    scanned += 1;
    for (const secret of SECRETS) if (contents.includes(secret)) findings.push(`${file}: contains ${secret.slice(0, 4)}…`);
    const jwt = JWT.exec(contents);
    if (jwt) findings.push(`${file}: contains a JWT (${jwt[0].slice(0, 12)}…)`);
  }
}
console.log(`run ${runId} exited ${code === 99 ? 'with a leak' : code}; scanned ${scanned} files under ${dirs.join(', ')}`);
for (const f of findings) console.log(`LEAK ${f}`);
// The scan means something only if flows ran and wrote their results (the probes' failures are expected).
let flows = 0;
try {
  flows = (JSON.parse(readFileSync(join(runDir(runId), 'report.json'), 'utf8')) as Report).stages.reduce((n, s) => n + s.flows, 0);
} catch (err) {
  console.log(`no report.json for run ${runId}: ${(err as Error).message}`);
}
if (flows === 0) console.log(`run ${runId} ran no flow: nothing was tested`);
const ok = findings.length === 0 && code !== 99 && scanned > 0 && flows > 0;
console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
process.exit(ok ? 0 : 1);
