import { type Command, CommanderError } from 'commander';
import { systemClock } from './clock.js';
import type { CommandContext, GlobalOptions } from './commands/context.js';
import { describeError, EXIT } from './errors.js';
import { buildProgram, type Loader } from './program.js';

/**
 * The thin commander layer: parses flags, builds the command context, lazily loads the command module
 * (so `--help` and `--version` never load the AWS SDK or the prompt library), and maps every error to
 * an exit code and a one-line message in one place. The program's entry is bin.ts, which answers `--help`
 * and `--version` without loading this module when it can.
 */

/** One run of the CLI: its Ctrl-C signal and the exit code its command settled on. */
interface Session {
  controller: AbortController;
  exitCode: number;
  resultWritten?: boolean;
  /** Once the command connected to AWS: the `--debug` line naming the clients it created (undefined: none). */
  clientsLine?: () => string | undefined;
}

/** With --json, a command that fails before its result still prints exactly one JSON document. */
function writeJsonError(exitCode: number, message: string, hint?: string): void {
  const error = { message, exitCode, ...(hint ? { hint } : {}) };
  process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
}

/** The terminal IO (and chalk, through it) is loaded only when a command runs: `--help` never needs it. */
async function buildContext(command: Command, session: Session): Promise<CommandContext> {
  const { createTerminalIO } = await import('./io/terminal.js');
  const globals = command.optsWithGlobals() as GlobalOptions;
  const env = process.env;
  const terminal = createTerminalIO({
    json: Boolean(globals.json),
    yes: Boolean(globals.yes),
    color: globals.color !== false,
    debug: Boolean(globals.debug),
    env,
  });
  // Remember whether the command wrote its result, so that a failure under --json still prints one document.
  const io = {
    ...terminal,
    result(human: string, json: unknown) {
      session.resultWritten = true;
      terminal.result(human, json);
    },
  };
  return {
    globals,
    io,
    env,
    signal: session.controller.signal,
    clock: systemClock,
    async connect() {
      const profile = globals.profile ?? env.AWS_PROFILE;
      if (profile) {
        const { checkProfile } = await import('./aws/profiles.js');
        await checkProfile(profile, env, globals.profile ? '--profile' : 'AWS_PROFILE');
      }
      const { clientsDebugLine, createAwsClients, resolveRegion } = await import('./aws/clients.js');
      const region = await resolveRegion({ flag: globals.region, env, profile: globals.profile });
      const clients = createAwsClients({
        region,
        profile: globals.profile,
        endpointUrl: globals.endpointUrl,
      });
      session.clientsLine = () => clientsDebugLine(clients.created());
      return { region, clients };
    },
  };
}

/** The command's options, with its positional arguments under their names (`[alarms...]` → `alarms`). */
function optionsOf(command: Command): Record<string, unknown> {
  const operands = command.registeredArguments.map((a, i) => [a.name(), command.processedArgs[i]]);
  return { ...command.opts(), ...Object.fromEntries(operands) };
}

function action(session: Session, load: Loader) {
  // Commander passes the positional arguments first and the command last.
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = await buildContext(command, session);
    try {
      const mod = await load();
      await mod.run(optionsOf(command) as never, ctx);
    } catch (error) {
      const { exitCode: code, message, hint } = describeError(error);
      session.exitCode = code;
      if (ctx.globals.json && !session.resultWritten) writeJsonError(code, message, hint);
      process.stderr.write(`${ctx.io.style.fail('✖')} ${message}\n`);
      if (hint) process.stderr.write(`  ${hint}\n`);
      if (ctx.globals.debug && error instanceof Error && error.stack)
        process.stderr.write(`${error.stack}\n`);
    } finally {
      // --debug: which SDK clients the command created, success or failure (the IO shows debug lines only then).
      const line = session.clientsLine?.();
      if (line) ctx.io.progress.debug(line);
    }
  };
}

/** One run of the program (bin.ts calls it with process.argv); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const session: Session = { controller: new AbortController(), exitCode: EXIT.ok };
  const program = buildProgram((load) => action(session, load));
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    // The one deliberate process.exit: a second Ctrl-C is the user's way out of a rollback that hangs.
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write(
      '\nInterrupted: stopping safely, undoing what this run changed (Ctrl-C again to quit at once)…\n',
    );
    session.controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.ok;
    }
    await program.parseAsync(argv);
    return session.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      if (argv.includes('--json')) writeJsonError(EXIT.usage, error.message.replace(/^error: /, ''));
      return EXIT.usage;
    }
    const { exitCode: code, message } = describeError(error);
    process.stderr.write(`✖ ${message}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
