/** The every-alarm rule's EventPattern: one canonical text, read back and compared by meaning. */
import { describe, expect, it } from 'vitest';
import {
  alarmEventPattern,
  describeFilter,
  filterChanges,
  readAlarmEventPattern,
} from '../../src/resources/rule-pattern.js';

const HEAD = '"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"]';

describe('alarmEventPattern', () => {
  it('is exactly the CloudWatch state-change pattern, states in the order ALARM, OK, INSUFFICIENT_DATA', () => {
    const text = alarmEventPattern({ states: ['INSUFFICIENT_DATA', 'OK', 'ALARM'] });
    expect(text).toBe(`{${HEAD},"detail":{"state":{"value":["ALARM","OK","INSUFFICIENT_DATA"]}}}`);
    expect(JSON.parse(text)).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { state: { value: ['ALARM', 'OK', 'INSUFFICIENT_DATA'] } },
    });
  });

  it('adds the alarmName prefix only when one is given, and drops duplicate states', () => {
    expect(alarmEventPattern({ states: ['OK', 'ALARM', 'OK'], prefix: 'prod-' })).toBe(
      `{${HEAD},"detail":{"state":{"value":["ALARM","OK"]},"alarmName":[{"prefix":"prod-"}]}}`,
    );
    // An empty prefix would match every name: it is no prefix.
    expect(alarmEventPattern({ states: ['ALARM'], prefix: '' })).toBe(
      `{${HEAD},"detail":{"state":{"value":["ALARM"]}}}`,
    );
  });

  it('refuses an empty state list (it would match nothing)', () => {
    expect(() => alarmEventPattern({ states: [] })).toThrow('at least one alarm state');
  });
});

describe('readAlarmEventPattern', () => {
  it('reads our pattern back, whatever its key order, spacing or state order', () => {
    const ours = alarmEventPattern({ states: ['ALARM', 'OK'], prefix: 'prod-' });
    expect(readAlarmEventPattern(ours)).toEqual({ states: ['ALARM', 'OK'], prefix: 'prod-' });
    const reordered = JSON.stringify(
      {
        detail: { alarmName: [{ prefix: 'prod-' }], state: { value: ['OK', 'ALARM'] } },
        'detail-type': ['CloudWatch Alarm State Change'],
        source: ['aws.cloudwatch'],
      },
      null,
      2,
    );
    expect(readAlarmEventPattern(reordered)).toEqual({ states: ['ALARM', 'OK'], prefix: 'prod-' });
    expect(readAlarmEventPattern(alarmEventPattern({ states: ['OK'] }))).toEqual({ states: ['OK'] });
  });

  const foreign: Array<[string, string | undefined]> = [
    ['no pattern (a scheduled rule)', undefined],
    ['not JSON', '{"source": ['],
    [
      'another source',
      `{"source":["aws.ec2"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":["ALARM"]}}}`,
    ],
    [
      'two detail-types',
      `{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change","x"],"detail":{"state":{"value":["ALARM"]}}}`,
    ],
    ['one more condition', `{${HEAD},"account":["123456789012"],"detail":{"state":{"value":["ALARM"]}}}`],
    [
      'a condition inside detail',
      `{${HEAD},"detail":{"state":{"value":["ALARM"]},"previousState":{"value":["OK"]}}}`,
    ],
    ['an exact alarm name', `{${HEAD},"detail":{"state":{"value":["ALARM"]},"alarmName":["cpu"]}}`],
    [
      'two prefixes',
      `{${HEAD},"detail":{"state":{"value":["ALARM"]},"alarmName":[{"prefix":"a"},{"prefix":"b"}]}}`,
    ],
    ['a suffix', `{${HEAD},"detail":{"state":{"value":["ALARM"]},"alarmName":[{"suffix":"-cpu"}]}}`],
    ['an unknown state', `{${HEAD},"detail":{"state":{"value":["alarm"]}}}`],
    ['no state at all', `{${HEAD},"detail":{"state":{"value":[]}}}`],
    ['a state filter of another kind', `{${HEAD},"detail":{"state":{"value":[{"prefix":"A"}]}}}`],
  ];
  it.each(foreign)('is undefined for a pattern of another shape: %s', (_, pattern) => {
    expect(readAlarmEventPattern(pattern)).toBeUndefined();
  });
});

describe('filterChanges and describeFilter', () => {
  it('says what changes, one line each, and nothing when the filters mean the same', () => {
    expect(filterChanges({ states: ['ALARM', 'OK'] }, { states: ['ALARM'] })).toEqual([
      'states ALARM, OK → ALARM',
    ]);
    expect(filterChanges({ states: ['ALARM'] }, { states: ['ALARM'], prefix: 'prod-' })).toEqual([
      'prefix (none) → prod-',
    ]);
    expect(filterChanges({ states: ['OK'], prefix: 'prod-' }, { states: ['ALARM'] })).toEqual([
      'states OK → ALARM',
      'prefix prod- → (none)',
    ]);
    expect(filterChanges({ states: ['OK', 'ALARM'], prefix: '' }, { states: ['ALARM', 'OK'] })).toEqual([]);
  });

  it('replaces a pattern of another shape as a whole', () => {
    expect(filterChanges(undefined, { states: ['ALARM'], prefix: 'prod-' })).toEqual([
      'event pattern (not an alarm state-change filter) → states ALARM, prefix prod-',
    ]);
    expect(describeFilter({ states: ['OK', 'ALARM', 'INSUFFICIENT_DATA'] })).toBe(
      'states ALARM, OK, INSUFFICIENT_DATA',
    );
  });
});
