import { CliError } from '../errors.js';
import type { CommandContext } from './context.js';

export async function run(_options: Record<string, unknown>, _ctx: CommandContext): Promise<void> {
  throw new CliError('`alarm-to-slack status` is not implemented yet.');
}
