// A remote target's host, from its node exporter: CPU busy fraction from the idle share of the CPU-seconds delta,
// memory from MemAvailable/MemTotal, in the host source's fields; what is missing says so.
import { expect, test } from '@playwright/test';
import { nodeExporterFields } from '../../sampler/sources/node-exporter.ts';

const scrape = (idle: number, user: number) =>
  [
    '# TYPE node_cpu_seconds_total counter',
    `node_cpu_seconds_total{cpu="0",mode="idle"} ${idle / 2}`,
    `node_cpu_seconds_total{cpu="1",mode="idle"} ${idle / 2}`,
    `node_cpu_seconds_total{cpu="0",mode="user"} ${user / 2}`,
    `node_cpu_seconds_total{cpu="1",mode="user"} ${user / 2}`,
    'node_memory_MemTotal_bytes 8589934592',
    'node_memory_MemAvailable_bytes 2147483648',
  ].join('\n');

test('host CPU and memory of the target host from two node exporter scrapes', () => {
  const first = nodeExporterFields(scrape(100, 100), undefined);
  expect(first.fields.cpuFraction).toBe('n/a: first node exporter reading, no CPU delta yet');
  expect(first.fields).toMatchObject({ memFraction: 0.75, memTotalMb: 8192, memAvailableMb: 2048, cores: 2 });
  // 10 CPU-seconds passed, 3 of them idle: 70% busy.
  expect(nodeExporterFields(scrape(103, 107), first.cpu).fields.cpuFraction).toBe(0.7);
});

test('an exporter without the CPU or memory families says which is missing, never 0', () => {
  const { fields } = nodeExporterFields('up 1', undefined);
  expect(fields.cpuFraction).toBe('n/a: node_cpu_seconds_total is not in the node exporter metrics');
  expect(fields.memFraction).toBe('n/a: node_memory_MemTotal_bytes or MemAvailable_bytes missing');
});
