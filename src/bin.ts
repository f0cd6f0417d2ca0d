#!/usr/bin/env node
/**
 * The program (dist/cli.js, npm's bin): `--help` and `--version` printed from the build's help.json when
 * help-cache.ts can, with nothing else loaded; every other run goes to cli.ts (commander, the command
 * context, the exit codes).
 */
import { EXIT } from './errors.js';
import { cachedAnswer } from './help-cache.js';

// Output piped into a reader that stopped reading (`| head`) ends the run quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exitCode ??= EXIT.ok;
  process.stdout.destroy();
});

const cached = cachedAnswer(new URL('./help.json', import.meta.url), process.argv.slice(2), process.stdout);
if (cached !== undefined) process.stdout.write(cached);
else {
  const { main } = await import('./cli.js');
  process.exitCode = await main(process.argv);
}
