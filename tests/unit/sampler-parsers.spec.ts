// The sampler's text parsers on fixtures: /proc, Prometheus, Redis INFO and
// docker output (docker cannot be exercised here: there is no engine).
import { expect, test } from '@playwright/test';
import { parseMeminfo, parsePidStat, parsePidStatus, processTree } from '../../sampler/proc.ts';
import { dockerFields, parseDockerSize } from '../../sampler/sources/docker.ts';
import { metricsFields } from '../../sampler/sources/metrics.ts';
import { parseRedisInfo } from '../../sampler/sources/redis.ts';

test('a process stat line is read after the last parenthesis, so odd command names do not shift fields', () => {
  // fields from 3: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
  const stat = '1234 (my (odd) proc) S 77 1234 1234 0 -1 4194304 100 0 0 0 250 30 5 2 20 0 12 0 264589 44692873216 34165';
  expect(parsePidStat(stat)).toEqual({ pid: 1234, ppid: 77, ticks: 250 + 30 + 5 + 2 });
  expect(() => parsePidStat('garbage')).toThrow('/proc/<pid>/stat text "garbage" is not parsable');
});

test('a process tree counts shared memory once and includes every descendant', () => {
  expect(parsePidStatus('Name:\tpostgres\nVmRSS:\t  3000 kB\nRssAnon:\t  1000 kB\nRssFile:\t  500 kB\nRssShmem:\t  1500 kB\n')).toEqual({
    privateKb: 1_500,
    sharedKb: 1_500,
  });
  expect(parsePidStatus('Name:\tkthreadd\n')).toEqual({ privateKb: 0, sharedKb: 0 });
  // 10 is the postmaster, 11 and 12 its backends, 13 a child of 12; 20 is unrelated
  const parents = new Map([
    [10, 1],
    [11, 10],
    [12, 10],
    [13, 12],
    [20, 1],
  ]);
  expect(processTree(10, parents).sort()).toEqual([10, 11, 12, 13]);
  expect(processTree(99, parents), 'a pid that is not running').toEqual([]);
});

test('memory used is total minus available', () => {
  expect(parseMeminfo('MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\n')).toEqual({
    usedFraction: 0.75,
    totalKb: 1_000,
    availableKb: 250,
  });
  expect(() => parseMeminfo('MemFree: 1 kB\n')).toThrow('/proc/meminfo has no MemTotal or MemAvailable line');
});

test('metrics are summed over label sets; a declared counter without series is 0, a missing metric n/a', () => {
  const text = [
    '# HELP notification_inserts_total Notification rows inserted',
    '# TYPE notification_inserts_total counter',
    'notification_inserts_total{component="backend"} 3',
    'notification_inserts_total{component="scanner"} 4',
    '# TYPE notification_errors_total counter',
    '# TYPE socketio_events_emitted_total counter',
    'socketio_events_emitted_total{event="notification",component="backend"} 7',
    'socketio_connected_clients{component="backend"} 2',
    'scanner_backlog{component="scanner"} 1',
    'process_cpu_seconds_total{component="backend"} 1.5',
    'process_cpu_seconds_total{component="scanner"} 0.25',
    'process_resident_memory_bytes{component="backend"} 104857600',
    'http_request_duration_seconds_bucket{le="+Inf",route="/x"} 9',
  ].join('\n');
  expect(metricsFields(text)).toEqual({
    socketClients: 2,
    eventsEmitted: 7,
    notificationInserts: 7,
    notificationErrors: 0,
    scannerBacklog: 1,
    scannerLagBlocks: 'n/a: scanner_lag_blocks is not in the metrics',
    'cpuSeconds.backend': 1.5,
    'cpuSeconds.scanner': 0.25,
    'rssMb.backend': 100,
  });
  expect(() => metricsFields('{oops} 1')).toThrow('metrics line "{oops} 1" is not Prometheus text format');
});

test('Redis INFO is read as key:value numbers', () => {
  const info = '# Clients\r\nconnected_clients:3\r\n# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nused_cpu_sys:0.5\r\n';
  expect(Object.fromEntries(parseRedisInfo(info))).toEqual({ connected_clients: 3, used_memory: 1_048_576, used_cpu_sys: 0.5 });
});

test('docker ps, stats and inspect output become fields per container', () => {
  expect(parseDockerSize('12.5MiB')).toBe(12.5 * 2 ** 20);
  expect(parseDockerSize('1.5GB')).toBe(1.5e9);
  expect(parseDockerSize('--')).toBeUndefined();
  const ps = [
    JSON.stringify({ ID: 'a1', Names: 'escrow-backend', Image: 'escrow/backend:1.2.3', Status: 'Up 2 hours' }),
    JSON.stringify({ ID: 'b2', Names: 'escrow-mongo', Image: 'mongo:7', Status: 'Restarting (1) 3 seconds ago' }),
  ].join('\n');
  const stats = JSON.stringify({ Name: 'escrow-backend', CPUPerc: '12.50%', MemUsage: '256MiB / 1.944GiB', MemPerc: '12.86%' });
  expect(dockerFields(ps, stats, '/escrow-backend 0\n/escrow-mongo 4\n')).toEqual({
    containers: 2,
    'escrow-backend.image': 'escrow/backend:1.2.3',
    'escrow-backend.status': 'Up 2 hours',
    'escrow-backend.cpuPct': 12.5,
    'escrow-backend.memMb': 256,
    'escrow-backend.memPct': 12.86,
    'escrow-backend.restarts': 0,
    'escrow-mongo.image': 'mongo:7',
    'escrow-mongo.status': 'Restarting (1) 3 seconds ago',
    'escrow-mongo.restarts': 4,
  });
});
