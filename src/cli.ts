#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { systemClock } from './clock.js';
import type { CommandContext, GlobalOptions } from './commands/context.js';
import { describeError, EXIT } from './errors.js';
import { createTerminalIO } from './io/terminal.js';
import { packageVersion } from './package-files.js';

/**
 * The thin commander layer: parses flags, builds the command context, lazily loads the command module
 * (so `--help` and `--version` never load the AWS SDK or the prompt library), and maps every error to
 * an exit code and a one-line message in one place.
 */
const pkg = { version: packageVersion() };

type Loader = () => Promise<{ run: (options: never, ctx: CommandContext) => Promise<void> }>;

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

function buildContext(command: Command, session: Session): CommandContext {
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
    const ctx = buildContext(command, session);
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

/**
 * An option whose default is applied by the command (resolveValue), not by commander: its value stays
 * undefined when the flag is absent, so "given" and "default" differ (a TTY prompt is shown only for
 * the latter). The default is still shown in --help.
 */
function intOption(flags: string, description: string, defaultValue?: string) {
  return new Option(
    flags,
    defaultValue === undefined ? description : `${description} (default: ${defaultValue})`,
  );
}

export function buildProgram(session: Session): Command {
  const program = new Command('alarm-to-slack')
    .description('Get CloudWatch alarms into a Slack channel: SNS → KMS-encrypted webhook → Lambda → Slack.')
    .version(pkg.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--name <name>', 'stack name; every resource is named after it (default "alarm-to-slack")')
    .option('--region <region>', 'AWS region code, e.g. ap-northeast-2 (default: AWS_REGION or the profile)')
    .option('--profile <profile>', 'AWS profile from ~/.aws/config (SSO profiles included)')
    .option('--endpoint-url <url>', 'custom AWS endpoint, e.g. http://localhost:4566 for LocalStack')
    .option('--json', 'print the result as one JSON document on stdout', false)
    .option('-y, --yes', 'never prompt: take flags, environment and defaults; confirm plans', false)
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .option('--debug', 'print stack traces and debug details', false)
    .addHelpText(
      'before',
      'Start here: `npx alarm-to-slack init` asks for a Slack webhook URL and sets everything up.\n' +
        'Then `alarm-to-slack test` sends a test alarm, `status` checks it, `teardown` removes it.\n' +
        'Alarms you already have: `connect` picks them (or `connect --every-alarm` sends them all).\n',
    )
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      outputError: (message, write) =>
        write(message.split('\n')[0]?.trim() ? `${message.trim().split('\n')[0]}\n` : message),
    });

  program
    .command('init')
    .description('set up (or update in place) the alarm → SNS → Lambda → Slack pipeline')
    .option('--webhook-url <url>', 'Slack incoming-webhook URL (or env SLACK_WEBHOOK_URL; prompted masked)')
    .option('--channel <label>', 'channel label sent with each message (legacy webhooks honour it)')
    .option('--mention <text>', 'added to ALARM messages, e.g. "<!here>" or "<!subteam^ID>"')
    .option('--instance-id <id>', 'EC2 instance for the CPU alarm')
    .option('--no-alarm', "create no CPU alarm; use the topic ARN as any alarm's action")
    .option(
      '--every-alarm',
      'send every alarm of the region to Slack (an EventBridge rule; no alarm is changed)',
    )
    .option('--states <list>', 'with --every-alarm: the states sent, e.g. ALARM,OK (default) or ALARM')
    .option('--prefix <prefix>', 'with --every-alarm: only alarms whose name starts with this')
    .addOption(intOption('--threshold <percent>', 'CPU alarm threshold in percent', '50'))
    .addOption(intOption('--period <seconds>', 'alarm period: 10, 30 or a multiple of 60', '60'))
    .addOption(intOption('--evaluation-periods <n>', 'periods the threshold must be breached', '1'))
    .addOption(intOption('--log-retention-days <n>', "retention of the function's log group", '30'))
    .option('--no-verify-webhook', 'do not post a "connected" message to Slack before changing anything')
    .option('--no-rollback', 'keep what this run created when a step fails')
    .option('--dry-run', 'show the plan and change nothing', false)
    .action(action(session, () => import('./commands/init.js')));

  program
    .command('test')
    .description('send a test alarm through the deployed function to Slack')
    .option('--state <state>', 'ALARM, OK or INSUFFICIENT_DATA', 'ALARM')
    .option(
      '--through-alarm',
      "drive the real alarm (SetAlarmState) and follow it to the function's logs",
      false,
    )
    .action(action(session, () => import('./commands/test.js')));

  program
    .command('teardown')
    .description("remove every resource of the stack and schedule the KMS key's deletion")
    .option('--pending-window <days>', 'days before KMS deletes the key (7–30)', '7')
    .option('--force', 'also remove same-named resources not tagged for this stack', false)
    .action(action(session, () => import('./commands/teardown.js')));

  program
    .command('connect')
    .description("send alarms you already have to Slack: adds the stack's topic to their actions")
    .argument('[alarms...]', 'alarm names (all must exist); on a terminal without names: pick from a list')
    .option('--prefix <prefix>', 'every alarm whose name starts with this')
    .option('--all', 'every metric and composite alarm of the region', false)
    .option(
      '--states <list>',
      'the states that notify Slack: ALARM,OK (default), add INSUFFICIENT_DATA if wanted',
    )
    .option(
      '--every-alarm',
      'instead: an EventBridge rule sends every alarm of the region (or of --prefix), changing none',
      false,
    )
    .option('--dry-run', 'show what would change and change nothing', false)
    .addHelpText(
      'after',
      "\nOnly the topic is added to the chosen states' action lists; every other setting of each alarm is sent\n" +
        'back exactly as it was. `disconnect` removes it again. Without a terminal, --yes is needed to apply.\n',
    )
    .action(action(session, () => import('./commands/connect.js')));

  program
    .command('disconnect')
    .description("remove the stack's topic (only it) from alarms' actions")
    .argument('[alarms...]', 'alarm names (all must exist); on a terminal without names: pick from a list')
    .option('--all', "every alarm that notifies the topic, except the stack's own CPU alarm", false)
    .option(
      '--every-alarm',
      'instead: remove the every-alarm EventBridge rule, its target and permission',
      false,
    )
    .option('--dry-run', 'show what would change and change nothing', false)
    .action(action(session, () => import('./commands/disconnect.js')));

  program
    .command('status')
    .description("show each resource of the stack, its health and the function's last 24 hours")
    .action(action(session, () => import('./commands/status.js')));

  program
    .command('replay')
    .description('list the alerts Slack did not take (the undelivered-alert queue) and re-deliver them now')
    .option('--dry-run', 'only list them; re-deliver and delete nothing', false)
    .action(action(session, () => import('./commands/replay.js')));

  program
    .command('preview')
    .description('print (or post) the Slack message the notifier builds for a sample alarm; no AWS needed')
    .option('--state <state>', 'ALARM, OK or INSUFFICIENT_DATA', 'ALARM')
    .option(
      '--source <source>',
      "sns (the notification an alarm action publishes) or eventbridge (the every-alarm rule's event)",
      'sns',
    )
    .option('--webhook-url <url>', 'also post the message to this webhook (SLACK_WEBHOOK_URL is not read)')
    .option('--channel <label>', 'channel label sent with the message, as init --channel')
    .option('--mention <text>', 'added to ALARM messages, as init --mention, e.g. "<!here>"')
    .action(action(session, () => import('./commands/preview.js')));

  return program;
}

/** Output piped into a command that stopped reading (`| head`) ends the run quietly, not with a stack trace. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exitCode ??= EXIT.ok;
    stream.destroy();
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  const session: Session = { controller: new AbortController(), exitCode: EXIT.ok };
  const program = buildProgram(session);
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

/** Run when this file is the program (also through npm's bin symlink), not when imported. */
function isEntry(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntry()) process.exitCode = await main(process.argv);
