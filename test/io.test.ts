import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { table, visibleLength } from '../src/actions/table.js';
import { describeError, UsageError } from '../src/errors.js';
import { resolveValue } from '../src/io/resolve.js';
import { colorEnabled, inCI, spinnersEnabled } from '../src/io/style.js';
import { createTerminalIO } from '../src/io/terminal.js';
import { validateThreshold } from '../src/validate.js';
import { scriptedIO } from './helpers/io.js';

function capture() {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

describe('resolveValue: flag → env → prompt → default', () => {
  const spec = { flag: '--threshold', envVar: 'THRESHOLD', parse: validateThreshold, default: '50' };

  it('takes the flag first', async () => {
    const io = scriptedIO({ interactive: true });
    expect(await resolveValue(io, { ...spec, value: '70', env: { THRESHOLD: '60' } })).toBe(70);
  });
  it('then the environment', async () => {
    const io = scriptedIO({ interactive: true });
    expect(await resolveValue(io, { ...spec, value: undefined, env: { THRESHOLD: '60' } })).toBe(60);
  });
  it('then a prompt, only when interactive', async () => {
    const io = scriptedIO({
      interactive: true,
      answers: [{ kind: 'input', match: /threshold/i, answer: '65' }],
    });
    const prompt = (ask: typeof io.ask, validate: (raw: string) => true | string) =>
      ask.input({ message: 'CPU threshold (%)', default: '50', validate });
    expect(await resolveValue(io, { ...spec, value: undefined, env: {}, prompt })).toBe(65);
    expect(io.asked).toHaveLength(1);
  });
  it('then the default, without prompting when not interactive', async () => {
    const io = scriptedIO({ interactive: false });
    const prompt = async () => {
      throw new Error('must not prompt');
    };
    expect(await resolveValue(io, { ...spec, value: undefined, env: {}, prompt })).toBe(50);
  });
  it('names where a refused value came from: the flag, the environment variable, or the answer at the prompt', async () => {
    const refusal = (given: Partial<typeof spec> & { value?: string; env?: NodeJS.ProcessEnv }) =>
      resolveValue(scriptedIO({ interactive: false }), {
        ...spec,
        value: undefined,
        env: {},
        ...given,
      }).catch((e: unknown) => e);
    expect(String(await refusal({ value: 'lots' }))).toContain('--threshold must be a number; got "lots".');
    const fromEnv = await refusal({ env: { THRESHOLD: 'lots' } });
    expect(fromEnv).toBeInstanceOf(UsageError);
    expect((fromEnv as Error).message).toBe('THRESHOLD must be a number; got "lots".');
    const io = scriptedIO({
      interactive: true,
      answers: [{ kind: 'input', match: /threshold/i, answer: '65' }],
    });
    let shown: true | string = true;
    const prompt = (ask: typeof io.ask, validate: (raw: string) => true | string) => {
      shown = validate('lots');
      return ask.input({ message: 'CPU threshold (%)', validate });
    };
    expect(await resolveValue(io, { ...spec, value: undefined, env: {}, prompt })).toBe(65);
    expect(shown).toBe('This must be a number; got "lots".');
  });
  it('fails with exit 2 naming the flag when required and missing', async () => {
    const io = scriptedIO({ interactive: false });
    const error = await resolveValue(io, {
      flag: '--webhook-url',
      envVar: 'SLACK_WEBHOOK_URL',
      value: undefined,
      env: {},
      required: true,
      parse: (s) => s,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(describeError(error)).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toBe(
      'Missing --webhook-url (or set SLACK_WEBHOOK_URL); it is required when not running interactively.',
    );
  });
  it('rejects an invalid flag value with exit 2', async () => {
    const io = scriptedIO();
    await expect(resolveValue(io, { ...spec, value: 'lots', env: {} })).rejects.toThrow(
      /--threshold must be a number/,
    );
  });
});

describe('colour', () => {
  it('is on only for a TTY outside CI without NO_COLOR or --no-color', () => {
    expect(colorEnabled({ isTTY: true, env: {}, color: true })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: {}, color: true })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { CI: 'true' }, color: true })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '1' }, color: true })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: {}, color: false })).toBe(false);
  });

  it.each([['false'], ['0'], ['FALSE'], ['']])('counts CI=%j as not CI (colour stays on)', (ci) => {
    expect(inCI({ CI: ci })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { CI: ci }, color: true })).toBe(true);
  });

  it.each([['true'], ['1'], ['github-actions']])('counts CI=%j as CI', (ci) => {
    expect(inCI({ CI: ci })).toBe(true);
  });
});

describe('spinners', () => {
  it('run only on a TTY outside CI that has a width (ora clears forever on a 0-column pty)', () => {
    expect(spinnersEnabled({ isTTY: true, columns: 80, env: {} })).toBe(true);
    expect(spinnersEnabled({ isTTY: true, columns: 0, env: {} })).toBe(false);
    expect(spinnersEnabled({ isTTY: true, columns: undefined, env: {} })).toBe(false);
    expect(spinnersEnabled({ isTTY: false, columns: 80, env: {} })).toBe(false);
    expect(spinnersEnabled({ isTTY: true, columns: 80, env: { CI: 'true' } })).toBe(false);
  });
});

describe('tables', () => {
  it('pads to the visible width, not counting colour codes', () => {
    const red = '\u001b[31mfail\u001b[39m';
    expect(visibleLength(red)).toBe(4);
    expect(
      table(
        [
          [red, 'a'],
          ['ok', 'b'],
        ],
        { indent: '', gap: ' ' },
      ),
    ).toBe(`${red} a\nok   b`);
  });

  it('on a terminal, wraps a row too wide for it in its last column, at spaces, under that column', () => {
    const rows = [
      ['Lambda function', 'mission-lambda', 'updated: timeout 10 s, memory 128 MB, environment'],
      ['Log group', '/aws/lambda/mission', 'ok'],
    ];
    // 2 + 15 + 2 + 19 + 2 = 40 columns before the last one; 80 wide leaves it 40.
    expect(table(rows, { width: 80 }).split('\n')).toEqual([
      '  Lambda function  mission-lambda       updated: timeout 10 s, memory 128 MB,',
      '                                        environment',
      '  Log group        /aws/lambda/mission  ok',
    ]);
    for (const line of table(rows, { width: 80 }).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // Wide enough, or no width (not a terminal): one line a row, as without wrapping.
    expect(table(rows, { width: 200 })).toBe(table(rows));
    expect(table(rows).split('\n')[0]).toBe(
      '  Lambda function  mission-lambda       updated: timeout 10 s, memory 128 MB, environment',
    );
    // Too narrow to leave the last column 40 columns: its text goes below the row, indented, wrapped.
    expect(table(rows, { width: 50 }).split('\n')).toEqual([
      '  Lambda function  mission-lambda',
      '      updated: timeout 10 s, memory 128 MB,',
      '      environment',
      '  Log group        /aws/lambda/mission  ok',
    ]);
    // A word longer than the room keeps a line of its own.
    const long = [['a', `x ${'y'.repeat(30)} z`]];
    expect(table(long, { width: 25 }).split('\n')).toEqual([
      '  a',
      '      x',
      `      ${'y'.repeat(30)}`,
      '      z',
    ]);
  });
});

describe('terminal IO', () => {
  it('writes results to stdout and progress to stderr, plain when not a TTY', () => {
    const out = capture();
    const err = capture();
    const io = createTerminalIO({
      json: false,
      yes: false,
      color: true,
      debug: false,
      env: {},
      stdout: out.stream,
      stderr: err.stream,
    });
    io.progress.start('topic', 'SNS topic');
    io.progress.done('topic', { ok: true, text: 'created', ms: 120 });
    io.progress.debug('hidden without --debug');
    io.result('All set.', { ok: true });
    expect(out.text()).toBe('All set.\n');
    expect(err.text()).toBe('✔ SNS topic — created (120 ms)\n');
    expect(err.text()).not.toContain('\u001b[');
  });

  it("gives tables the terminal's width only when stdout and stderr both are the terminal", () => {
    const tty = (columns: number) => Object.assign(capture().stream, { isTTY: true, columns });
    const widthWith = (stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream) =>
      createTerminalIO({ json: false, yes: true, color: false, debug: false, env: {}, stdout, stderr }).style
        .width;
    expect(widthWith(tty(100), tty(100))).toBe(100);
    expect(widthWith(capture().stream, tty(100))).toBeUndefined(); // the result redirected to a file
    expect(widthWith(tty(100), capture().stream)).toBeUndefined();
    expect(widthWith(tty(0), tty(0))).toBeUndefined(); // a pseudo-terminal without a size
  });

  it('prints exactly one JSON document with --json', () => {
    const out = capture();
    const io = createTerminalIO({
      json: true,
      yes: true,
      color: false,
      debug: false,
      env: {},
      stdout: out.stream,
      stderr: capture().stream,
    });
    io.result('ignored human text', { ok: true, n: 1 });
    expect(JSON.parse(out.text())).toEqual({ ok: true, n: 1 });
    expect(() => io.result('again', {})).toThrow(/twice/);
  });

  it('is never interactive with --yes', () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.ReadStream;
    expect(
      createTerminalIO({ json: false, yes: true, color: false, debug: false, env: {}, stdin }).interactive,
    ).toBe(false);
    expect(
      createTerminalIO({ json: false, yes: false, color: false, debug: false, env: {}, stdin }).interactive,
    ).toBe(true);
  });
});

describe('describeError', () => {
  it('maps prompt cancellation to 130 and credential errors to 1 with a hint', () => {
    expect(
      describeError(Object.assign(new Error('User force closed'), { name: 'ExitPromptError' })).exitCode,
    ).toBe(130);
    const creds = describeError(
      Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }),
    );
    expect(creds.exitCode).toBe(1);
    expect(creds.hint).toMatch(/--profile/);
    expect(describeError(Object.assign(new Error('nope'), { name: 'AccessDeniedException' }))).toEqual({
      exitCode: 1,
      message: 'AccessDeniedException: nope',
      hint: undefined,
    });
  });
});
