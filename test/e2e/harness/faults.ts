import { readFileSync, writeFileSync } from 'node:fs';
import { e2e } from './config.js';

/**
 * The emulator's fault injection: $EMULATOR_RUN_DIR/faults.json maps `service.method` of moto's
 * backends (lambda.create_function, cloudwatch.put_metric_alarm, …) to errors; each call while
 * `times` > 0 fails with that AWS error and counts it down. Emulator only: check caps().faults first.
 */
interface Fault {
  code: string;
  message: string;
  times: number;
}

type Faults = Record<string, Fault[]>;

function file(): string {
  const emulator = e2e().emulator;
  if (!emulator) throw new Error('fault injection needs the emulator (caps().faults is false here)');
  return emulator.faultsFile;
}

export function setFaults(faults: Faults): void {
  writeFileSync(file(), JSON.stringify(faults));
}

/** The faults file now: how many of each injected error are still to come. */
function readFaults(): Faults {
  try {
    return JSON.parse(readFileSync(file(), 'utf8')) as Faults;
  } catch {
    return {};
  }
}

/** How many calls of `key` are still to fail. */
export function faultsLeft(key: string): number {
  return (readFaults()[key] ?? []).reduce((n, f) => n + Math.max(f.times, 0), 0);
}

/** No fault left (afterEach: files share the emulator). A no-op off the emulator. */
export function clearFaults(): void {
  if (e2e().emulator) writeFileSync(file(), '{}');
}
