import { describe, expect, it } from 'vitest';
import { compositeAlarmInput, metricAlarmInput } from '../../src/resources/alarm-input.js';
import {
  MAX_ACTIONS_PER_STATE,
  statesWith,
  withoutTopic,
  withTopic,
} from '../../src/resources/alarm-topic.js';
import {
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  OPS_ARN,
  PAGER_ARN,
  rdsStorage,
  serviceDegraded,
  TOPIC_ARN,
} from './alarm-fixtures.js';

const others = (n: number) => Array.from({ length: n }, (_, i) => `${OPS_ARN}-${i + 1}`);

describe('withTopic', () => {
  it('appends the topic to the chosen states only, changing nothing else', () => {
    const before = metricAlarmInput(rdsStorage());
    const added = withTopic(before, TOPIC_ARN, ['ALARM', 'INSUFFICIENT_DATA']);
    expect(added).toStrictEqual({
      ok: true,
      input: {
        ...before,
        AlarmActions: [PAGER_ARN, OPS_ARN, TOPIC_ARN],
        InsufficientDataActions: [TOPIC_ARN],
      },
      changed: ['ALARM', 'INSUFFICIENT_DATA'],
    });
    expect(before).toStrictEqual(metricAlarmInput(rdsStorage()));
  });

  it('is idempotent: a list that has the topic is left as it is, and says which states changed', () => {
    const once = withTopic(metricAlarmInput(albP99()), TOPIC_ARN, ['ALARM', 'OK']);
    if (!once.ok) throw once.error;
    const twice = withTopic(once.input, TOPIC_ARN, ['ALARM', 'OK']);
    expect(twice).toStrictEqual({ ok: true, input: once.input, changed: [] });
    const more = withTopic(once.input, TOPIC_ARN, ['ALARM', 'OK', 'INSUFFICIENT_DATA']);
    expect(more.ok && more.changed).toEqual(['INSUFFICIENT_DATA']);
  });

  it(`refuses a sixth action in a state (CloudWatch allows ${MAX_ACTIONS_PER_STATE}), naming the alarm, the state and the limit`, () => {
    const full = { ...metricAlarmInput(lambdaErrorRate()), OKActions: others(5) };
    const added = withTopic(full, TOPIC_ARN, ['ALARM', 'OK']);
    expect(added).toMatchObject({
      ok: false,
      alarmName: 'checkout-lambda-error-rate',
      states: ['OK'],
      limit: 5,
    });
    expect(added.ok ? '' : added.error.message).toBe(
      `Alarm "checkout-lambda-error-rate" already has 5 actions for OK (OKActions), the most CloudWatch ` +
        `allows per state: ${TOPIC_ARN} cannot be added. The alarm was not changed.`,
    );
    expect(added.ok ? undefined : added.error.hint).toBe(
      'Remove one of its OK (OKActions) actions, or choose other states for this alarm.',
    );
    expect(full.AlarmActions).toEqual([PAGER_ARN]);
  });

  it('lets a full list that already has the topic, or that was not chosen, pass', () => {
    const full = { ...metricAlarmInput(lambdaErrorRate()), OKActions: [...others(4), TOPIC_ARN] };
    expect(withTopic(full, TOPIC_ARN, ['OK'])).toStrictEqual({ ok: true, input: full, changed: [] });
    const fullOk = { ...full, OKActions: others(5) };
    expect(withTopic(fullOk, TOPIC_ARN, ['ALARM']).ok).toBe(true);
  });

  it('works on composite alarms', () => {
    const added = withTopic(compositeAlarmInput(serviceDegraded()), TOPIC_ARN, ['ALARM']);
    expect(added.ok && added.input.AlarmActions).toEqual([PAGER_ARN, OPS_ARN, TOPIC_ARN]);
    expect(added.ok && added.input.AlarmRule).toBe(serviceDegraded().AlarmRule);
  });
});

describe('withoutTopic', () => {
  it('restores the original input exactly after withTopic, for every kind', () => {
    for (const original of [
      metricAlarmInput(rdsStorage()),
      metricAlarmInput(lambdaErrorRate()),
      metricAlarmInput(alb5xxAnomaly()),
      compositeAlarmInput(serviceDegraded()),
    ]) {
      const added = withTopic(original, TOPIC_ARN, ['ALARM', 'OK', 'INSUFFICIENT_DATA']);
      if (!added.ok) throw added.error;
      expect(withoutTopic(added.input, TOPIC_ARN)).toStrictEqual({
        input: original,
        changed: ['ALARM', 'OK', 'INSUFFICIENT_DATA'],
      });
    }
  });

  it('leaves [] where withTopic created a list DescribeAlarms had not shown (both mean no actions)', () => {
    const original = metricAlarmInput(albP99());
    expect(original).not.toHaveProperty('OKActions');
    const added = withTopic(original, TOPIC_ARN, ['ALARM', 'OK']);
    if (!added.ok) throw added.error;
    expect(added.input.OKActions).toEqual([TOPIC_ARN]);
    expect(withoutTopic(added.input, TOPIC_ARN).input).toStrictEqual({ ...original, OKActions: [] });
  });

  it('removes only that ARN (not one it is a prefix of), from every list, keeping the order of the rest', () => {
    const input = {
      ...metricAlarmInput(rdsStorage()),
      AlarmActions: [PAGER_ARN, TOPIC_ARN, `${TOPIC_ARN}-old`, OPS_ARN],
      OKActions: [TOPIC_ARN],
    };
    expect(withoutTopic(input, TOPIC_ARN)).toStrictEqual({
      input: { ...input, AlarmActions: [PAGER_ARN, `${TOPIC_ARN}-old`, OPS_ARN], OKActions: [] },
      changed: ['ALARM', 'OK'],
    });
    expect(input.AlarmActions).toHaveLength(4);
  });

  it('changes nothing when the topic is not there', () => {
    const input = metricAlarmInput(albP99());
    expect(withoutTopic(input, TOPIC_ARN)).toStrictEqual({ input, changed: [] });
  });
});

describe('statesWith', () => {
  it('lists the states whose list has the exact ARN', () => {
    expect(
      statesWith({ AlarmActions: [`${TOPIC_ARN}-old`], InsufficientDataActions: [TOPIC_ARN] }, TOPIC_ARN),
    ).toEqual(['INSUFFICIENT_DATA']);
  });
});
