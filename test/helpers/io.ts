import { createStyle } from '../../src/io/style.js';
import { stepLine } from '../../src/io/terminal.js';
import type { Asker, CheckboxChoice, Choice, IO, StepOutcome } from '../../src/io/types.js';

const plainStyle = createStyle(false);

/**
 * A scripted IO: prompts are answered from a queue, in order, and each expected prompt names a pattern
 * its message must match (so a test fails when the flow asks something else). Everything the command
 * writes is captured.
 */
export type Answer =
  | { kind: 'input' | 'password'; match: RegExp; answer: string | Error }
  | { kind: 'confirm'; match: RegExp; answer: boolean | Error }
  | { kind: 'select'; match: RegExp; answer: unknown }
  /** The values ticked when the list is accepted (an Error: the prompt aborted). */
  | { kind: 'checkbox'; match: RegExp; answer: unknown[] | Error };

export interface ScriptedIO extends IO {
  stdout: string[];
  stderr: string[];
  /** Every prompt that was shown: kind, message, and for selects and checkboxes the choices. */
  asked: Array<{ kind: string; message: string; choices?: CheckboxChoice<unknown>[] }>;
  /** The JSON document passed to result() (also with json false). */
  resultJson: unknown;
  remainingAnswers(): number;
}

export function scriptedIO(
  opts: {
    answers?: Answer[];
    interactive?: boolean;
    json?: boolean;
    debug?: boolean;
    /** A terminal this many columns wide (tables and lists fit it); undefined: not a terminal. */
    width?: number;
  } = {},
): ScriptedIO {
  const queue = [...(opts.answers ?? [])];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const asked: ScriptedIO['asked'] = [];
  const titles = new Map<string, string>();

  function next(kind: Answer['kind'], message: string, validate?: (v: string) => true | string): unknown {
    const expected = queue.shift();
    if (!expected) throw new Error(`unexpected ${kind} prompt: "${message}"`);
    if (expected.kind !== kind || !expected.match.test(message)) {
      throw new Error(
        `expected ${expected.kind} prompt matching ${expected.match}, got ${kind}: "${message}"`,
      );
    }
    // An Error as the answer plays the prompt being aborted (Ctrl-C: inquirer's ExitPromptError).
    if (expected.answer instanceof Error) throw expected.answer;
    if (validate && typeof expected.answer === 'string') {
      const verdict = validate(expected.answer);
      if (verdict !== true)
        throw new Error(`scripted answer rejected by the prompt's validation: ${verdict}`);
    }
    return expected.answer;
  }

  const ask: Asker = {
    async input(q) {
      asked.push({ kind: 'input', message: q.message });
      const answer = next('input', q.message, q.validate) as string;
      return answer === '' && q.default !== undefined ? q.default : answer;
    },
    async password(q) {
      asked.push({ kind: 'password', message: q.message });
      return next('password', q.message, q.validate) as string;
    },
    async confirm(q) {
      asked.push({ kind: 'confirm', message: q.message });
      return next('confirm', q.message) as boolean;
    },
    async select<T>(q: { message: string; choices: Choice<T>[]; default?: T }) {
      asked.push({ kind: 'select', message: q.message, choices: q.choices as Choice<unknown>[] });
      return next('select', q.message) as T;
    },
    async checkbox<T>(q: { message: string; choices: CheckboxChoice<T>[] }) {
      asked.push({ kind: 'checkbox', message: q.message, choices: q.choices as CheckboxChoice<unknown>[] });
      const picked = next('checkbox', q.message) as T[];
      const unknown = picked.filter((v) => !q.choices.some((c) => c.value === v));
      if (unknown.length > 0)
        throw new Error(`scripted checkbox answer not among the choices: ${unknown.join(', ')}`);
      // As inquirer answers: the ticked values in the list's order.
      return q.choices.filter((c) => picked.includes(c.value)).map((c) => c.value);
    },
  };

  const io: ScriptedIO = {
    interactive: opts.interactive ?? false,
    json: opts.json ?? false,
    debug: opts.debug ?? false,
    ask,
    style: opts.width === undefined ? plainStyle : createStyle(false, opts.width),
    stdout,
    stderr,
    asked,
    resultJson: undefined,
    remainingAnswers: () => queue.length,
    progress: {
      start(id, title) {
        titles.set(id, title);
      },
      done(id, outcome: StepOutcome) {
        stderr.push(stepLine(plainStyle, titles.get(id) ?? id, outcome));
      },
      info: (m) => stderr.push(m),
      warn: (m) => stderr.push(`! ${m}`),
      debug: (m) => {
        if (opts.debug) stderr.push(`[debug] ${m}`);
      },
    },
    result(human, json) {
      if (io.resultJson !== undefined || stdout.length > 0) throw new Error('result() called twice');
      io.resultJson = json;
      stdout.push(opts.json ? JSON.stringify(json) : human);
    },
  };
  return io;
}
