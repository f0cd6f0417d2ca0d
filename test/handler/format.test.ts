import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  consoleUrl,
  describeCondition,
  duration,
  formatAlarm,
  formatMessage,
  formatRecord,
  LIMITS,
  truncate,
} from '../../handler-template/format.mjs';
import type { SlackPayload } from '../../handler-template/types.js';

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;

const cpuAlarm = fixture('alarm-cpu-alarm');
const cpuOk = fixture('alarm-cpu-ok');
const cpuInsufficient = fixture('alarm-cpu-insufficient-data');
const metricMath = fixture('alarm-metric-math');
const composite = fixture('alarm-composite');
const govcloud = fixture('alarm-govcloud');
const tutorialEvent = fixture('sns-event-tutorial') as { Records: Array<Json & { Sns: Json }> };
const tutorialRecord = tutorialEvent.Records[0] as Json & { Sns: Json };

/** An SNS record carrying `message`, as Lambda receives it. */
const record = (message: unknown, extra: Json = {}) => ({
  EventSource: 'aws:sns',
  EventSubscriptionArn: 'arn:aws:sns:ap-northeast-2:123456789012:mission-sns:0b1c2d3e',
  Sns: {
    TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:mission-sns',
    Subject: 'ALARM: "mission-cpu-alarm" in Asia Pacific (Seoul)',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    ...extra,
  },
});

type Section = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Json[] };
const attachmentBlocks = (p: SlackPayload) => (p.attachments?.[0]?.blocks ?? []) as Section[];
/** Every section text of the attachment, in order. */
const sections = (p: SlackPayload) =>
  attachmentBlocks(p)
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text?.text);
const fields = (p: SlackPayload) =>
  attachmentBlocks(p)
    .find((b) => b.fields)
    ?.fields?.map((f) => f.text) ?? [];
const button = (p: SlackPayload) =>
  attachmentBlocks(p).find((b) => b.type === 'actions')?.elements?.[0] as
    | { url: string; text: Json }
    | undefined;
const headerText = (p: SlackPayload) => (p.blocks[0] as Section).text?.text;

describe('a single-metric alarm (the tutorial CPU alarm)', () => {
  const p = formatAlarm(cpuAlarm);

  it('has a plain text fallback and the state with the name as headline', () => {
    expect(p.text).toBe('🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(p.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: '🔴 ALARM: mission-cpu-alarm', emoji: true } },
    ]);
    expect(p.attachments?.[0]?.fallback).toBe(p.text);
  });

  it('uses the plain, unescaped headline as the attachment fallback', () => {
    const p = formatAlarm(metricMath, { mention: '<!here>' });
    expect(p.text).toBe('<!here> 🔴 ALARM: api/5xx rate &gt; 5% in US East (N. Virginia)');
    expect(p.attachments?.[0]?.fallback).toBe('🔴 ALARM: api/5xx rate > 5% in US East (N. Virginia)');
  });

  it('has a red bar, the description, the reason and the condition in words', () => {
    expect(p.attachments?.[0]?.color).toBe('#E01E5A');
    expect(sections(p)).toEqual([
      'CPU of the bastion instance at or above 50% for 1 minute',
      '*Reason*\nThreshold Crossed: 1 out of the last 1 datapoints [99.83333333333333 (24/11/26 10:41:00)] was greater than or equal to the threshold (50.0) (minimum 1 datapoint for OK -&gt; ALARM transition).',
      '*Condition*\nCPUUtilization (AWS/EC2, InstanceId=i-0a1b2c3d4e5f60718) Average ≥ 50 for 1 datapoint within 1 minute',
    ]);
  });

  it('shows previous → new state, region with its code, account and the change time', () => {
    expect(fields(p)).toEqual([
      '*State*\nOK → ALARM',
      '*Region*\nAsia Pacific (Seoul) · ap-northeast-2',
      '*Account*\n123456789012',
      '*Changed*\n<!date^1795516947^{date_short_pretty} {time_secs}|2026-11-24 10:42:27 UTC>',
    ]);
  });

  it('links to the alarm in the CloudWatch console of its region', () => {
    expect(button(p)).toEqual({
      type: 'button',
      text: { type: 'plain_text', text: 'View in CloudWatch' },
      url: 'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/mission-cpu-alarm',
    });
  });
});

describe('state transitions', () => {
  it('reads OK after ALARM as resolved, with a green bar', () => {
    const p = formatAlarm(cpuOk);
    expect(p.text).toBe('✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(headerText(p)).toBe('✅ RESOLVED: mission-cpu-alarm');
    expect(p.attachments?.[0]?.color).toBe('#2EB67D');
    expect(fields(p)[0]).toBe('*State*\nALARM → OK (resolved)');
  });

  it('reads OK after INSUFFICIENT_DATA as plain OK', () => {
    const p = formatAlarm({ ...cpuOk, OldStateValue: 'INSUFFICIENT_DATA' });
    expect(p.text).toBe('🟢 OK: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(fields(p)[0]).toBe('*State*\nINSUFFICIENT_DATA → OK');
    expect(p.attachments?.[0]?.color).toBe('#2EB67D');
  });

  it('shows INSUFFICIENT_DATA grey and skips the null description', () => {
    const p = formatAlarm(cpuInsufficient);
    expect(p.text).toBe('⚪ INSUFFICIENT_DATA: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(p.attachments?.[0]?.color).toBe('#9E9E9E');
    expect(sections(p)[0]).toBe('*Reason*\nInsufficient Data: 1 datapoint was unknown.');
    expect(fields(p)[0]).toBe('*State*\nOK → INSUFFICIENT_DATA');
  });
});

describe('a metric-math alarm whose name has "/", spaces and ">"', () => {
  const p = formatAlarm(metricMath);

  it('escapes the name in mrkdwn but not in the plain-text header', () => {
    expect(p.text).toBe('🔴 ALARM: api/5xx rate &gt; 5% in US East (N. Virginia)');
    expect(headerText(p)).toBe('🔴 ALARM: api/5xx rate > 5%');
  });

  it('describes the expression of the ReturnData metric, its label, M of N and its inputs', () => {
    expect(sections(p)[1]).toBe(
      '*Condition*\n5xx rate (%) = `100 * errors / requests` &gt; 5 for 2 of 3 datapoints within 3 minutes\n' +
        'where errors = 5XXError (AWS/ApiGateway, ApiName=prod-api) Sum, requests = Count (AWS/ApiGateway, ApiName=prod-api) Sum',
    );
  });

  it('URL-encodes the name in the console link', () => {
    expect(button(p)?.url).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/api%2F5xx%20rate%20%3E%205%25',
    );
  });
});

describe('a composite alarm', () => {
  const p = formatAlarm(composite);

  it('shows the rule and the triggering children by name', () => {
    expect(sections(p)).toEqual([
      'CPU and 5xx both high',
      '*Reason*\narn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-cpu-high transitioned to ALARM at Tuesday 24 November, 2026 10:40:00 UTC',
      '*Rule*\n`ALARM(prod-cpu-high) AND ALARM(prod-5xx-high)`\n*Triggered by* prod-cpu-high (ALARM)',
    ]);
    expect(p.text).toBe('🔴 ALARM: prod-service-degraded in EU (Ireland)');
    expect(button(p)?.url).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/prod-service-degraded',
    );
  });
});

describe('a composite alarm with a very long rule', () => {
  const children = '\n*Triggered by* prod-cpu-high (ALARM)';
  it.each([
    ['plain names', Array.from({ length: 150 }, (_, i) => `ALARM(prod-service-${i}-high)`).join(' OR ')],
    ['names full of ">" (escaped to 4 characters each)', `ALARM(${'>'.repeat(1500)}) OR ALARM(x)`],
  ])('%s: cuts the rule on its own, closes its code span and keeps the children', (_what, rule) => {
    expect(rule.replace(/>/g, '&gt;').length).toBeGreaterThan(LIMITS.section);
    const p = formatAlarm({ ...composite, AlarmRule: rule });
    const text = sections(p)[2] ?? '';
    expect(text.length).toBeLessThanOrEqual(LIMITS.section);
    expect(text.startsWith('*Rule*\n`ALARM(')).toBe(true);
    expect(text.endsWith(`…\`${children}`)).toBe(true);
    expect(text.split('`')).toHaveLength(3);
    expect(text).not.toMatch(/&[a-z]{0,3}…/);
  });
});

describe('partitions', () => {
  it('links GovCloud alarms to the GovCloud console', () => {
    expect(button(formatAlarm(govcloud))?.url).toBe(
      'https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/gov-cpu',
    );
  });

  it('links China alarms to console.amazonaws.cn', () => {
    expect(consoleUrl('arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:cn-cpu', 'cn-cpu')).toBe(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/cn-cpu',
    );
  });

  it('gives no link for an unknown partition or a malformed ARN rather than a wrong one', () => {
    expect(consoleUrl('arn:aws-iso:cloudwatch:us-iso-east-1:123456789012:alarm:x', 'x')).toBeUndefined();
    expect(consoleUrl('not an arn', 'x')).toBeUndefined();
    expect(consoleUrl(undefined, 'x')).toBeUndefined();
  });
});

describe("the tutorial's test event (no AlarmArn, old region name)", () => {
  const p = formatRecord(tutorialRecord);

  it('takes the region code from the topic ARN for display and leaves the link out', () => {
    expect(p.text).toBe('🔴 ALARM: Example alarm name in EU - Ireland');
    expect(fields(p)).toContain('*Region*\nEU - Ireland · eu-west-1');
    expect(fields(p)).toContain('*Account*\n000000000000');
    expect(button(p)).toBeUndefined();
    expect(JSON.stringify(p)).not.toContain('console.aws');
  });

  it('describes a trigger without DatapointsToAlarm or unit', () => {
    expect(sections(p)).toContain(
      '*Condition*\nDeliveryErrors (ExampleNamespace) Sum ≥ 1 for 1 datapoint within 5 minutes',
    );
  });

  it('falls back to the subscription ARN when the topic ARN is missing', () => {
    const { TopicArn: _, ...sns } = tutorialRecord.Sns;
    const q = formatRecord({ ...tutorialRecord, Sns: sns });
    expect(fields(q)).toContain('*Region*\nEU - Ireland · eu-west-1');
    expect(button(q)).toBeUndefined();
  });
});

describe('nothing renders as undefined or null', () => {
  const all = {
    cpuAlarm,
    cpuOk,
    cpuInsufficient,
    metricMath,
    composite,
    govcloud,
    tutorial: JSON.parse(tutorialRecord.Sns.Message as string) as Json,
  };
  it.each(Object.entries(all))('%s', (_name, alarm) => {
    for (const p of [formatAlarm(alarm), formatAlarm(alarm, { channel: '#ops', mention: '<!here>' })]) {
      const json = JSON.stringify(p);
      expect(json).not.toMatch(/undefined|null|NaN|\[object Object\]/);
    }
  });

  it('even for an alarm message with almost nothing in it', () => {
    const p = formatRecord({
      Sns: { Message: JSON.stringify({ AlarmName: 'bare', Trigger: null, Region: null }) },
    });
    expect(p.text).toBe('🔔 STATE CHANGE: bare');
    expect(JSON.stringify(p)).not.toMatch(/undefined|null|NaN/);
    expect(fields(p)).toEqual([]);
  });
});

describe('channel and mention', () => {
  it('sends slackChannel as channel and puts slackMention on ALARM messages', () => {
    const p = formatAlarm(cpuAlarm, { channel: '#ops-alerts', mention: '<!subteam^S0000>' });
    expect(p.channel).toBe('#ops-alerts');
    expect(p.text).toBe('<!subteam^S0000> 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(p.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<!subteam^S0000>' } });
  });

  it.each([
    ['OK', cpuOk],
    ['INSUFFICIENT_DATA', cpuInsufficient],
  ])('leaves the mention off %s messages', (_state, alarm) => {
    const p = formatAlarm(alarm, { channel: '#ops-alerts', mention: '<!here>' });
    expect(JSON.stringify(p)).not.toContain('<!here>');
    expect(p.blocks).toHaveLength(1);
    expect(p.channel).toBe('#ops-alerts');
  });

  it('sends no channel key when none is configured', () => {
    expect('channel' in formatAlarm(cpuAlarm, { channel: '', mention: '' })).toBe(false);
    expect(JSON.stringify(formatAlarm(cpuAlarm, { mention: '  ' }).blocks)).toBe(
      JSON.stringify(formatAlarm(cpuAlarm).blocks),
    );
  });

  it('escapes a hand-published state value, so that it cannot ping the channel', () => {
    const p = formatAlarm({ ...cpuAlarm, NewStateValue: '<!channel>', OldStateValue: 'OK & <b>' });
    expect(fields(p)[0]).toBe('*State*\nOK &amp; &lt;b&gt; → &lt;!channel&gt;');
    expect(p.text).toBe('🔔 &lt;!channel&gt;: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(JSON.stringify(attachmentBlocks(p))).not.toContain('<!channel>');
  });

  it('escapes markup in alarm text so a description cannot ping the channel', () => {
    const p = formatAlarm({ ...cpuAlarm, AlarmDescription: 'ping <!channel> & <https://x|y>' });
    expect(sections(p)[0]).toBe('ping &lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });
});

describe('the condition in words', () => {
  const base = {
    MetricName: 'Latency',
    Namespace: 'AWS/ApiGateway',
    Dimensions: [],
    Period: 60,
    Threshold: 2.5,
  };
  it.each([
    ['GreaterThanOrEqualToThreshold', '≥ 2.5'],
    ['GreaterThanThreshold', '> 2.5'],
    ['LessThanThreshold', '< 2.5'],
    ['LessThanOrEqualToThreshold', '≤ 2.5'],
  ])('%s', (operator, words) => {
    expect(
      describeCondition({
        ...base,
        Statistic: 'MAXIMUM',
        ComparisonOperator: operator,
        EvaluationPeriods: 1,
      }),
    ).toBe(`Latency (AWS/ApiGateway) Maximum ${words} for 1 datapoint within 1 minute`);
  });

  it('M of N datapoints, a unit and an extended statistic (percentile)', () => {
    expect(
      describeCondition({
        ...base,
        StatisticType: 'ExtendedStatistic',
        Statistic: null,
        ExtendedStatistic: 'p99',
        Unit: 'Seconds',
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Period: 300,
        Dimensions: [{ name: 'ApiName', value: 'prod-api' }],
      }),
    ).toBe(
      'Latency (AWS/ApiGateway, ApiName=prod-api) p99 > 2.5 Seconds for 2 of 3 datapoints within 15 minutes',
    );
  });

  it.each([
    ['SAMPLE_COUNT', 'SampleCount'],
    ['AVERAGE', 'Average'],
    ['SUM', 'Sum'],
    ['MINIMUM', 'Minimum'],
    ['MAXIMUM', 'Maximum'],
  ])('names the Statistic %s as %s', (statistic, words) => {
    const trigger = { ...base, Statistic: statistic, ComparisonOperator: 'GreaterThanThreshold' };
    expect(describeCondition(trigger)).toBe(
      `Latency (AWS/ApiGateway) ${words} > 2.5 for 1 datapoint within 1 minute`,
    );
  });

  it.each(['p99', 'p99.9', 'IQM', 'TM(10%:90%)', 'WM99', 'PR(:300)', 'TC(0.005:0.030)'])(
    'passes the ExtendedStatistic %s through unchanged',
    (extended) => {
      expect(
        describeCondition({
          ...base,
          StatisticType: 'ExtendedStatistic',
          Statistic: null,
          ExtendedStatistic: extended,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
        }),
      ).toBe(`Latency (AWS/ApiGateway) ${extended} > 2.5 for 1 datapoint within 1 minute`);
    },
  );

  it('passes a metric-math input statistic through as given (IQM stays IQM)', () => {
    const text = describeCondition({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1,
      Metrics: [
        { Id: 'e1', Expression: 'm1 * 2', Period: 60, ReturnData: true },
        {
          Id: 'm1',
          MetricStat: {
            Metric: { MetricName: 'Latency', Namespace: 'AWS/ApiGateway' },
            Stat: 'IQM',
            Period: 60,
          },
        },
      ],
    });
    expect(text).toBe(
      '`m1 * 2` > 1 for 1 datapoint within 1 minute\nwhere m1 = Latency (AWS/ApiGateway) IQM',
    );
  });

  it('N of N datapoints over hours, SampleCount, capitalised dimension keys', () => {
    expect(
      describeCondition({
        ...base,
        Statistic: 'SAMPLE_COUNT',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 2,
        Period: 3600,
        Dimensions: [{ Name: 'Stage', Value: 'prod' }],
      }),
    ).toBe('Latency (AWS/ApiGateway, Stage=prod) SampleCount < 1 for 2 datapoints within 2 hours');
  });

  it.each([
    ['LessThanLowerOrGreaterThanUpperThreshold', 'outside the band'],
    ['GreaterThanUpperThreshold', 'above the band'],
    ['LessThanLowerThreshold', 'below the band'],
  ])('anomaly detection: %s', (operator, words) => {
    expect(
      describeCondition({
        ComparisonOperator: operator,
        ThresholdMetricId: 'ad1',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Period: 300,
        Metrics: [
          {
            Id: 'm1',
            ReturnData: true,
            MetricStat: {
              Metric: {
                MetricName: 'CPUUtilization',
                Namespace: 'AWS/EC2',
                Dimensions: [{ name: 'InstanceId', value: 'i-0a1b2c3d' }],
              },
              Period: 300,
              Stat: 'Average',
            },
          },
          {
            Id: 'ad1',
            Expression: 'ANOMALY_DETECTION_BAND(m1, 2)',
            Label: 'CPU (expected)',
            ReturnData: true,
          },
        ],
      }),
    ).toBe(
      `CPUUtilization (AWS/EC2, InstanceId=i-0a1b2c3d) Average ${words} CPU (expected) \`ANOMALY_DETECTION_BAND(m1, 2)\` for 3 datapoints within 15 minutes`,
    );
  });

  it('is empty rather than half a sentence when the trigger says nothing', () => {
    expect(describeCondition(undefined)).toBe('');
    expect(describeCondition({})).toBe('');
  });

  it.each([
    [10, '10 seconds'],
    [30, '30 seconds'],
    [60, '1 minute'],
    [300, '5 minutes'],
    [5400, '90 minutes'],
    [3600, '1 hour'],
    [86400, '1 day'],
  ])('duration(%i) = %s', (seconds, words) => {
    expect(duration(seconds)).toBe(words);
  });
});

describe("Slack's limits", () => {
  it('truncates a long reason to 3000 characters with an ellipsis', () => {
    const p = formatAlarm({
      ...cpuAlarm,
      NewStateReason: 'x'.repeat(10_000),
      AlarmDescription: 'd'.repeat(5000),
    });
    for (const b of attachmentBlocks(p))
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.section);
    expect(sections(p)[0]).toBe(`${'d'.repeat(2999)}…`);
    expect(sections(p)[1]).toBe(`*Reason*\n${'x'.repeat(2999 - 9)}…`);
  });

  it('truncates a long name in the header to 150 characters', () => {
    const name = 'n'.repeat(300);
    const p = formatAlarm({ ...cpuAlarm, AlarmName: name });
    expect(headerText(p)).toHaveLength(150);
    expect(headerText(p)).toBe(`🔴 ALARM: ${'n'.repeat(150 - '🔴 ALARM: '.length - 1)}…`);
    expect(button(p)?.url).toContain(name);
  });

  it('keeps section fields within 2000 characters', () => {
    const p = formatAlarm({ ...cpuAlarm, Region: 'r'.repeat(4000) });
    for (const f of fields(p)) expect(f.length).toBeLessThanOrEqual(LIMITS.field);
  });

  it('stays within 50 blocks: the fullest alarm message has a fixed, small set of blocks', () => {
    // Every block an alarm can have: header, mention, description, reason, rule, fields, button. None repeats
    // per input item (children, dimensions, metrics go inside a block), so no input can reach the limit.
    const p = formatAlarm(
      {
        ...composite,
        TriggeringChildren: Array.from({ length: 100 }, (_, i) => ({
          Arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:child-${i}`,
          State: { Value: 'ALARM' },
        })),
      },
      { mention: '<!here>' },
    );
    const types = [...p.blocks, ...attachmentBlocks(p)].map((b) => (b.fields ? 'fields' : b.type));
    expect(types).toEqual(['header', 'section', 'section', 'section', 'section', 'fields', 'actions']);
    expect(types.length).toBeLessThanOrEqual(LIMITS.blocks);
    const other = formatRecord(record({ a: 'x'.repeat(10_000) }));
    expect(other.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('never cuts a surrogate pair or an escape in half', () => {
    expect(truncate(`ab${'😀'.repeat(5)}`, 4)).toBe('ab…');
    expect(truncate('abc &amp; def', 7)).toBe('abc …');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('other SNS messages', () => {
  it('pretty-prints JSON of another shape in a code block under its subject', () => {
    const p = formatRecord(
      record(
        { source: 'aws.health', detail: { eventTypeCode: 'AWS_EC2_MAINTENANCE' } },
        { Subject: 'Health event' },
      ),
    );
    expect(p.text).toBe('📣 Health event');
    expect(p.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: '📣 Health event', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '```{\n  "source": "aws.health",\n  "detail": {\n    "eventTypeCode": "AWS_EC2_MAINTENANCE"\n  }\n}```',
        },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: 'SNS topic mission-sns · ap-northeast-2 · 123456789012' }],
      },
    ]);
    expect(p.attachments).toBeUndefined();
  });

  it('shows a plain-text body escaped, and names the topic when there is no subject', () => {
    const p = formatRecord(record('Deploy <finished> & ok', { Subject: null }));
    expect(p.text).toBe('📣 Message from mission-sns');
    expect((p.blocks[1] as Section).text?.text).toBe('Deploy &lt;finished&gt; &amp; ok');
    expect(JSON.stringify(p)).not.toMatch(/undefined|null/);
  });

  it('an empty message, a JSON scalar and a record without Sns still read well', () => {
    expect((formatRecord(record('')).blocks[1] as Section).text?.text).toBe('_(empty message)_');
    expect((formatRecord(record('42')).blocks[1] as Section).text?.text).toBe('42');
    const bare = formatMessage({});
    expect(bare.text).toBe('📣 Message from SNS');
    expect(JSON.stringify(bare)).not.toMatch(/undefined|null/);
  });

  it('truncates a huge JSON body inside its code block', () => {
    const p = formatRecord(record({ items: Array.from({ length: 2000 }, (_, i) => `item-${i}`) }));
    const text = (p.blocks[1] as Section).text?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(LIMITS.section);
    expect(text.startsWith('```{')).toBe(true);
    expect(text.endsWith('…```')).toBe(true);
  });

  it('passes the channel along', () => {
    expect(formatRecord(record('hi'), { channel: '#ops' }).channel).toBe('#ops');
  });
});
