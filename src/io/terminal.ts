import type { Ora } from 'ora';
import { colorEnabled, createStyle, spinnersEnabled } from './style.js';
import type { Asker, CheckboxChoice, IO, Progress, StepOutcome, Style } from './types.js';

interface TerminalOptions {
  json: boolean;
  yes: boolean;
  color: boolean;
  debug: boolean;
  env: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One line for a finished step: "✔ SNS topic — created (120 ms)". */
export function stepLine(style: Style, title: string, outcome: StepOutcome): string {
  const mark = outcome.warn ? style.warn('!') : outcome.ok ? style.ok('✔') : style.fail('✖');
  const ms = outcome.ms === undefined ? '' : style.dim(` (${formatDuration(outcome.ms)})`);
  return `${mark} ${title} — ${outcome.text}${ms}`;
}

class TerminalProgress implements Progress {
  private readonly running = new Map<string, string>();
  private spinner: Ora | undefined;
  private spinnerLoad: Promise<void> | undefined;

  constructor(
    private readonly stderr: NodeJS.WriteStream,
    private readonly style: Style,
    private readonly spinners: boolean,
    private readonly showDebug: boolean,
  ) {}

  private line(text: string): void {
    this.spinner?.clear();
    this.stderr.write(`${text}\n`);
    this.spinner?.render();
  }

  private refresh(): void {
    if (!this.spinners) return;
    const titles = [...this.running.values()];
    if (titles.length === 0) {
      this.spinner?.stop();
      this.spinner = undefined;
      return;
    }
    const text = titles.join(', ');
    if (this.spinner) {
      this.spinner.text = text;
      return;
    }
    // ora is loaded only when a spinner is actually shown.
    this.spinnerLoad ??= import('ora').then(({ default: ora }) => {
      this.spinnerLoad = undefined;
      const current = [...this.running.values()];
      if (current.length === 0 || this.spinner) return;
      this.spinner = ora({ text: current.join(', '), stream: this.stderr, discardStdin: false }).start();
    });
  }

  start(id: string, title: string): void {
    this.running.set(id, title);
    this.refresh();
  }

  done(id: string, outcome: StepOutcome): void {
    const title = this.running.get(id) ?? id;
    this.running.delete(id);
    this.line(stepLine(this.style, title, outcome));
    this.refresh();
  }

  info(message: string): void {
    this.line(message);
  }

  warn(message: string): void {
    this.line(this.style.warn(`! ${message}`));
  }

  debug(message: string): void {
    if (this.showDebug) this.line(this.style.dim(`[debug] ${message}`));
  }
}

class InquirerAsker implements Asker {
  constructor(
    private readonly stdin: NodeJS.ReadStream,
    private readonly output: NodeJS.WriteStream,
  ) {}

  private get context() {
    // Prompts are drawn on stderr so that stdout carries only the result.
    return { input: this.stdin, output: this.output, clearPromptOnDone: false };
  }

  async input(q: Parameters<Asker['input']>[0]) {
    const { input } = await import('@inquirer/prompts');
    return input(q, this.context);
  }

  async password(q: Parameters<Asker['password']>[0]) {
    const { password } = await import('@inquirer/prompts');
    return password({ ...q, mask: '*' }, this.context);
  }

  async confirm(q: Parameters<Asker['confirm']>[0]) {
    const { confirm } = await import('@inquirer/prompts');
    return confirm(q, this.context);
  }

  async select<T>(
    q: Parameters<Asker['select']>[0] & { choices: { name: string; value: T }[]; default?: T },
  ) {
    const { select } = await import('@inquirer/prompts');
    return select<T>(q, this.context);
  }

  async checkbox<T>(q: Parameters<Asker['checkbox']>[0] & { choices: CheckboxChoice<T>[] }) {
    const { checkbox } = await import('@inquirer/prompts');
    return checkbox<T>({ ...q, pageSize: 15, loop: false }, this.context);
  }
}

export function createTerminalIO(opts: TerminalOptions): IO {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const style = createStyle(
    colorEnabled({ isTTY: Boolean(stderr.isTTY), env: opts.env, color: opts.color }),
    // Tables are wrapped to the terminal only when all output goes to it: a result redirected to a file keeps
    // its rows whole.
    stderr.isTTY && stdout.isTTY ? stderr.columns : undefined,
  );
  const spinners = spinnersEnabled({ isTTY: Boolean(stderr.isTTY), columns: stderr.columns, env: opts.env });
  let resultWritten = false;
  return {
    interactive: Boolean(stdin.isTTY) && !opts.yes,
    json: opts.json,
    debug: opts.debug,
    ask: new InquirerAsker(stdin, stderr),
    progress: new TerminalProgress(stderr, style, spinners, opts.debug),
    style,
    result(human, json) {
      if (resultWritten) throw new Error('result() called twice');
      resultWritten = true;
      stdout.write(
        opts.json ? `${JSON.stringify(json, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`,
      );
    },
  };
}
