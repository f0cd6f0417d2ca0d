import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import type { IO } from '../io/types.js';

export interface GlobalOptions {
  name?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  json: boolean;
  yes: boolean;
  color: boolean;
  debug: boolean;
}

interface Connection {
  region: string;
  clients: AwsClients;
}

/** What every command receives from the commander layer; tests build one with scripted IO and mocked clients. */
export interface CommandContext {
  globals: GlobalOptions;
  io: IO;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: long operations stop, roll back and throw InterruptedError. */
  signal: AbortSignal;
  /** Time, waiting, jitter and ids for everything the command does (tests inject a fake one). */
  clock: Clock;
  /** Resolves the region (exit 2 when missing/invalid) and creates the AWS clients. Loads the SDK lazily. */
  connect(): Promise<Connection>;
}
