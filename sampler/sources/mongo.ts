// MongoDB serverStatus: current connections, resident memory and the
// operation counters. Not exercised by the project's tests: the sandbox has
// no mongod (the escrow sandbox keeps its records in Postgres).
import { MongoClient } from 'mongodb';
import { ANSWER_TIMEOUT_MS, type Fields, type Source } from '../types.ts';

interface ServerStatus {
  connections?: { current?: number; available?: number };
  mem?: { resident?: number };
  opcounters?: Record<string, number | { toNumber(): number }>;
}

export function mongoSource(mongoUrl: string | undefined): Source {
  if (!mongoUrl) return { sample: async () => ({ na: 'MONGO_URL is not set' }) };
  let client: MongoClient | undefined;
  return {
    async sample() {
      client ??= new MongoClient(mongoUrl, {
        maxPoolSize: 1,
        serverSelectionTimeoutMS: ANSWER_TIMEOUT_MS,
        connectTimeoutMS: ANSWER_TIMEOUT_MS,
        appName: 'escrow-ramp-sampler',
      });
      let status: ServerStatus;
      try {
        status = (await client.db('admin').command({ serverStatus: 1 }, { timeoutMS: ANSWER_TIMEOUT_MS })) as ServerStatus;
      } catch (err) {
        // A client whose first connect failed stays closed ("Topology is closed"): the next sample starts a new one.
        const failed = client;
        client = undefined;
        await failed.close().catch(() => undefined);
        throw err;
      }
      if (status.connections?.current === undefined || status.mem?.resident === undefined) {
        throw new Error('MongoDB serverStatus has no connections.current or mem.resident');
      }
      const fields: Fields = { connections: status.connections.current, residentMb: status.mem.resident };
      // opcounters may come back as Long; they are counters since the server started.
      for (const [op, n] of Object.entries(status.opcounters ?? {})) fields[`opcounters.${op}`] = typeof n === 'number' ? n : n.toNumber();
      return fields;
    },
    close: async () => client?.close(),
  };
}
