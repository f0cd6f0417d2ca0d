/**
 * The commands and their flags, as commander parses them and `--help` shows them. Each command's module
 * is imported only when it runs (see cli.ts for the context, the error mapping and the exit codes).
 */
import { Command, Option } from 'commander';
import type { CommandContext } from './commands/context.js';
import { packageVersion } from './package-files.js';

export type Loader = () => Promise<{ run: (options: never, ctx: CommandContext) => Promise<void> }>;

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

export function buildProgram(actionFor: (load: Loader) => (...args: unknown[]) => Promise<void>): Command {
  const program = new Command('alarm-to-slack')
    .description('Get CloudWatch alarms into a Slack channel: SNS → KMS-encrypted webhook → Lambda → Slack.')
    .version(packageVersion(), '-v, --version', 'print the version')
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
    .action(actionFor(() => import('./commands/init.js')));

  program
    .command('test')
    .description('send a test alarm through the deployed function to Slack')
    .option('--state <state>', 'ALARM, OK or INSUFFICIENT_DATA', 'ALARM')
    .option(
      '--through-alarm',
      "drive the real alarm (SetAlarmState) and follow it to the function's logs",
      false,
    )
    .action(actionFor(() => import('./commands/test.js')));

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
    .action(actionFor(() => import('./commands/connect.js')));

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
    .action(actionFor(() => import('./commands/disconnect.js')));

  program
    .command('status')
    .description("show each resource of the stack, its health and the function's last 24 hours")
    .action(actionFor(() => import('./commands/status.js')));

  program
    .command('replay')
    .description('list the alerts Slack did not take (the undelivered-alert queue) and re-deliver them now')
    .option('--dry-run', 'only list them; re-deliver and delete nothing', false)
    .action(actionFor(() => import('./commands/replay.js')));

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
    .action(actionFor(() => import('./commands/preview.js')));

  program
    .command('teardown')
    .description("remove every resource of the stack and schedule the KMS key's deletion")
    .option('--pending-window <days>', 'days before KMS deletes the key (7–30)', '7')
    .option('--force', 'also remove same-named resources not tagged for this stack', false)
    .action(actionFor(() => import('./commands/teardown.js')));

  return program;
}
