/**
 * The IO layer: the only way actions talk to the user. The terminal implementation lives in
 * ./terminal.ts; tests use a scripted one (test/helpers/io.ts).
 */
export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  /** What the answered question shows for it (default: the name). */
  short?: string;
}

export interface CheckboxChoice<T> extends Choice<T> {
  checked?: boolean;
}

export interface Asker {
  input(q: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
  /** A masked field (the webhook URL is a credential). */
  password(q: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  /** Several of a list (space toggles, enter accepts); `checked` choices start ticked. Answers in list order. */
  checkbox<T>(q: { message: string; choices: CheckboxChoice<T>[] }): Promise<T[]>;
}

export interface StepOutcome {
  ok: boolean;
  /** What happened, e.g. "created", "unchanged", "AccessDenied: …". */
  text: string;
  ms?: number;
  /** A warning rather than a success/failure mark (e.g. skipped). */
  warn?: boolean;
}

export interface Progress {
  /** A step started (shown as a spinner on a TTY, nothing otherwise). */
  start(id: string, title: string): void;
  /** A step ended: one line on stderr with ✔/✖, the title, the text and the duration. */
  done(id: string, outcome: StepOutcome): void;
  /** A line of information on stderr. */
  info(message: string): void;
  warn(message: string): void;
  /** Only with --debug. */
  debug(message: string): void;
}

export interface Style {
  /** The terminal's width in columns, for tables to fit it; undefined when not writing to a terminal. */
  readonly width?: number;
  ok(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  code(text: string): string;
}

export interface IO {
  /** True when prompts may be shown: stdin is a TTY and --yes was not given. */
  readonly interactive: boolean;
  /** --json: the result is exactly one JSON document on stdout. */
  readonly json: boolean;
  readonly debug: boolean;
  readonly ask: Asker;
  readonly progress: Progress;
  readonly style: Style;
  /** The command's result: human text on stdout, or with --json the JSON document instead. Call once. */
  result(human: string, json: unknown): void;
}
