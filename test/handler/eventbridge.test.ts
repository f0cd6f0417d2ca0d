import { describe, expect, it } from 'vitest';
import { formatEvent, formatEventBridge, formatRecord, LIMITS } from '../../handler-template/format.mjs';
import { regionName } from '../../handler-template/text.mjs';
import type { SlackPayload } from '../../handler-template/types.js';
import { REGION_NAMES } from '../../src/regions.js';
import { FIXTURE_NOW } from './fake-slack.js';
import { fixture, type Json, snsRecord } from './harness.js';

type Section = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Json[] };
const attachmentBlocks = (p: SlackPayload) => (p.attachments?.[0]?.blocks ?? []) as Section[];
const sections = (p: SlackPayload) =>
  attachmentBlocks(p)
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text?.text);
const fields = (p: SlackPayload) =>
  attachmentBlocks(p)
    .find((b) => b.fields)
    ?.fields?.map((f) => f.text) ?? [];
const link = (p: SlackPayload) =>
  (attachmentBlocks(p).find((b) => b.type === 'actions')?.elements?.[0] as { url?: string } | undefined)?.url;
const headerText = (p: SlackPayload) => (p.blocks[0] as Section).text?.text;

const metricAlarm = fixture('eventbridge-metric-alarm');
const metricMathOk = fixture('eventbridge-metric-math-ok');
const composite = fixture('eventbridge-composite') as Json & { detail: { state: Json } };

describe('EventBridge "CloudWatch Alarm State Change" events', () => {
  it('a metric alarm: headline, reason, the metric in words (dimensions from an object), no threshold made up', () => {
    const p = formatEventBridge(metricAlarm);
    expect(p.text).toBe('🔴 ALARM: orders-db-free-storage in Asia Pacific (Seoul)');
    expect(headerText(p)).toBe('🔴 ALARM: orders-db-free-storage');
    expect(p.attachments?.[0]?.color).toBe('#E01E5A');
    expect(sections(p)).toEqual([
      'Free storage of the orders database below 10 GiB',
      '*Reason*\nThreshold Crossed: 1 out of the last 1 datapoints [9.663676416E9 (24/11/26 10:35:00)] was less than the threshold (1.073741824E10) (minimum 1 datapoint for OK -&gt; ALARM transition).',
      '*Metric*\nFreeStorageSpace (AWS/RDS, DBInstanceIdentifier=orders-db) Minimum per 5 minutes',
    ]);
    expect(fields(p)).toEqual([
      '*State*\nOK → ALARM',
      '*Region*\nAsia Pacific (Seoul) · ap-northeast-2',
      '*Account*\n123456789012',
      '*Changed*\n<!date^1795516947^{date_short_pretty} {time_secs}|2026-11-24 10:42:27 UTC>',
    ]);
    expect(link(p)).toBe(
      'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/orders-db-free-storage',
    );
    expect(sections(p)[2]).not.toMatch(/[<>≥≤]|datapoint|within|threshold/);
  });

  it('a metric-math alarm back to OK: resolved, the expression with its label and the metrics it uses', () => {
    const p = formatEventBridge(metricMathOk);
    expect(p.text).toBe('✅ RESOLVED: api/5xx rate &gt; 5% in US East (N. Virginia)');
    expect(p.attachments?.[0]?.color).toBe('#2EB67D');
    expect(sections(p)[2]).toBe(
      '*Metric*\n5xx rate (%) = `100 * errors / requests`\nwhere ' +
        'errors = HTTPCode_Target_5XX_Count (AWS/ApplicationELB, LoadBalancer=app/public-api/50dc6c495c0c9188) Sum, ' +
        'requests = RequestCount (AWS/ApplicationELB, LoadBalancer=app/public-api/50dc6c495c0c9188) Sum',
    );
    expect(fields(p)[0]).toBe('*State*\nALARM → OK (resolved)');
    expect(link(p)).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/api%2F5xx%20rate%20%3E%205%25',
    );
  });

  it('a composite alarm: the rule, the triggering alarms from reasonData, and the suppressor settings', () => {
    const p = formatEventBridge(composite, { mention: '<!here>' });
    expect(p.text).toBe('<!here> 🔴 ALARM: prod-service-degraded in Europe (Ireland)');
    expect(sections(p)).toEqual([
      'CPU and 5xx both high',
      '*Reason*\narn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-cpu-high transitioned to ALARM at Tuesday 24 November, 2026 10:40:00 UTC',
      '*Rule*\n`ALARM(prod-cpu-high) AND ALARM(prod-5xx-high)`\n*Triggered by* prod-cpu-high (ALARM)\n' +
        '*Actions suppressor* prod-maintenance-window (wait period 2 minutes, extension period 3 minutes)',
    ]);
    expect(fields(p)[1]).toBe('*Region*\nEurope (Ireland) · eu-west-1');
  });

  it.each([
    ['Alarm', 'Alarm prod-maintenance-window is in ALARM'],
    ['WaitPeriod', 'Actions suppressed by WaitPeriod'],
    ['ExtensionPeriod', ''],
  ])('a composite alarm whose actions are suppressed (%s): says so, and pages nobody', (by, reason) => {
    const state = { ...composite.detail.state, actionsSuppressedBy: by, actionsSuppressedReason: reason };
    const p = formatEventBridge(
      { ...composite, detail: { ...composite.detail, state } },
      { mention: '<!here>' },
    );
    expect(sections(p)[2]).toBe(`🔕 *Actions suppressed* (${by})${reason && `: ${reason}`}`);
    expect(JSON.stringify(p)).not.toContain('<!here>');
    expect(p.text).toBe('🔴 ALARM: prod-service-degraded in Europe (Ireland)');
  });

  it('several triggering alarms, and a reasonData that is no JSON, read well', () => {
    const reasonData = JSON.stringify({
      triggeringAlarms: [
        { arn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a', state: { value: 'ALARM' } },
        { arn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b', state: { value: 'INSUFFICIENT_DATA' } },
      ],
    });
    const withTwo = {
      ...composite,
      detail: { ...composite.detail, state: { ...composite.detail.state, reasonData } },
    };
    expect(sections(formatEventBridge(withTwo))[2]).toContain(
      '*Triggered by* a (ALARM), b (INSUFFICIENT_DATA)',
    );
    const broken = { ...composite.detail.state, reasonData: '{not json' };
    const p = formatEventBridge({ ...composite, detail: { ...composite.detail, state: broken } });
    expect(sections(p)[2]).toBe(
      '*Rule*\n`ALARM(prod-cpu-high) AND ALARM(prod-5xx-high)`\n' +
        '*Actions suppressor* prod-maintenance-window (wait period 2 minutes, extension period 3 minutes)',
    );
  });

  it.each([
    [
      'aws-us-gov',
      'us-gov-west-1',
      'https://us-gov-west-1.console.amazonaws-us-gov.com',
      'AWS GovCloud (US-West)',
    ],
    ['aws-cn', 'cn-north-1', 'https://cn-north-1.console.amazonaws.cn', 'China (Beijing)'],
  ])('links a %s alarm to its own console and names its region', (partition, region, host, name) => {
    const p = formatEventBridge({
      ...metricAlarm,
      region,
      resources: [`arn:${partition}:cloudwatch:${region}:123456789012:alarm:orders-db-free-storage`],
    });
    expect(link(p)).toBe(`${host}/cloudwatch/home?region=${region}#alarmsV2:alarm/orders-db-free-storage`);
    expect(p.text).toBe(`🔴 ALARM: orders-db-free-storage in ${name}`);
  });

  it('an unknown region code is shown as it is, once; no resources means no link, the name still shown', () => {
    const p = formatEventBridge({ ...metricAlarm, region: 'xx-mars-1', resources: [] });
    expect(p.text).toBe('🔴 ALARM: orders-db-free-storage in xx-mars-1');
    expect(fields(p)[1]).toBe('*Region*\nxx-mars-1');
    expect(link(p)).toBeUndefined();
  });

  it('takes the change time from the state, else from the event time', () => {
    const detail = metricAlarm.detail as { state: Json };
    const { timestamp: _, ...state } = detail.state;
    const p = formatEventBridge({ ...metricAlarm, detail: { ...detail, state } });
    expect(fields(p)[3]).toBe(
      '*Changed*\n<!date^1795516947^{date_short_pretty} {time_secs}|2026-11-24 10:42:27 UTC>',
    );
  });
});

/** Every alarm fixture, as SNS or EventBridge delivers it: [name, payload builder, text, console link]. */
const ALL: Array<[string, (o: Json) => SlackPayload, string, string | undefined]> = [
  ...(
    [
      [
        'alarm-cpu-alarm',
        '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
        'ap-northeast-2',
        'mission-cpu-alarm',
      ],
      [
        'alarm-cpu-ok',
        '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
        'ap-northeast-2',
        'mission-cpu-alarm',
      ],
      [
        'alarm-cpu-insufficient-data',
        '⚪ INSUFFICIENT_DATA: mission-cpu-alarm in Asia Pacific (Seoul)',
        'ap-northeast-2',
        'mission-cpu-alarm',
      ],
      [
        'alarm-metric-math',
        '🔴 ALARM: api/5xx rate &gt; 5% in US East (N. Virginia)',
        'us-east-1',
        'api%2F5xx%20rate%20%3E%205%25',
      ],
      [
        'alarm-composite',
        '🔴 ALARM: prod-service-degraded in EU (Ireland)',
        'eu-west-1',
        'prod-service-degraded',
      ],
      ['alarm-govcloud', '🔴 ALARM: gov-cpu in AWS GovCloud (US-West)', 'us-gov-west-1', 'gov-cpu'],
    ] as const
  ).map(([name, text, region, alarm]): [string, (o: Json) => SlackPayload, string, string] => [
    `SNS ${name}`,
    (o) => formatRecord(snsRecord('m-1', fixture(name)), o),
    text,
    `https://${region}.console.${region.startsWith('us-gov') ? 'amazonaws-us-gov.com' : 'aws.amazon.com'}/cloudwatch/home?region=${region}#alarmsV2:alarm/${alarm}`,
  ]),
  [
    'SNS sns-event-tutorial',
    (o) => formatRecord((fixture('sns-event-tutorial') as { Records: Json[] }).Records[0] ?? {}, o),
    '🔴 ALARM: Example alarm name in EU - Ireland',
    undefined,
  ],
  [
    'EventBridge eventbridge-metric-alarm',
    (o) => formatEventBridge(metricAlarm, o),
    '🔴 ALARM: orders-db-free-storage in Asia Pacific (Seoul)',
    'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/orders-db-free-storage',
  ],
  [
    'EventBridge eventbridge-metric-math-ok',
    (o) => formatEventBridge(metricMathOk, o),
    '✅ RESOLVED: api/5xx rate &gt; 5% in US East (N. Virginia)',
    'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/api%2F5xx%20rate%20%3E%205%25',
  ],
  [
    'EventBridge eventbridge-composite',
    (o) => formatEventBridge(composite, o),
    '🔴 ALARM: prod-service-degraded in Europe (Ireland)',
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/prod-service-degraded',
  ],
];

describe('every alarm fixture, SNS or EventBridge, through the same assertions', () => {
  it.each(ALL)('%s', (_name, build, text, url) => {
    for (const now of [undefined, FIXTURE_NOW, FIXTURE_NOW + 30 * 86_400_000]) {
      const plain = build({ now });
      const p = build({ channel: '#ops-alerts', mention: '<!here>', now });
      const json = JSON.stringify(p);
      expect(json).not.toMatch(/undefined|null|NaN|\[object Object\]/);
      const alarming = text.includes(' ALARM: ');
      // mention on ALARM only, first in the notification text and its own block
      expect(p.text).toBe(alarming ? `<!here> ${text}` : text);
      expect(json.includes('<!here>')).toBe(alarming);
      expect(p.blocks.some((b) => b.text?.text === '<!here>')).toBe(alarming);
      expect(plain.text).toBe(text);
      // header and fallback: the same headline, plain text
      const headline = text.replace(/ in [^:]+$/, '').replace(/&gt;/g, '>');
      expect(headerText(p)).toBe(headline);
      expect(p.attachments?.[0]?.fallback).toBe(text.replace(/&gt;/g, '>'));
      expect(link(p)).toBe(url);
      expect(p.channel).toBe('#ops-alerts');
      expect('channel' in plain).toBe(false);
      for (const b of [...p.blocks, ...attachmentBlocks(p)])
        if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.section);
    }
  });
});

describe('events that are not alarms', () => {
  const ec2 = {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-11-24T10:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d'],
    detail: { 'instance-id': 'i-0a1b2c3d', state: 'stopped' },
  };

  it('another EventBridge event: its detail-type and source, where from, and its JSON compact in a code block', () => {
    const p = formatEventBridge(ec2, { channel: '#ops' });
    expect(p).toEqual({
      text: '📣 EC2 Instance State-change Notification (aws.ec2)',
      channel: '#ops',
      blocks: [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: '📣 EC2 Instance State-change Notification (aws.ec2)',
            emoji: true,
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${JSON.stringify(ec2)}\`\`\`` } },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'EventBridge event · eu-west-1 · 123456789012 · <!date^1795514400^{date_short_pretty} {time_secs}|2026-11-24 10:00:00 UTC>',
            },
          ],
        },
      ],
    });
  });

  it('an alarm configuration change (aws.cloudwatch, another detail-type) is no alarm state change', () => {
    const p = formatEventBridge({ ...metricAlarm, 'detail-type': 'CloudWatch Alarm Configuration Change' });
    expect(p.text).toBe('📣 CloudWatch Alarm Configuration Change (aws.cloudwatch)');
    expect(p.attachments).toBeUndefined();
  });

  it.each([
    [
      { Records: [{ eventSource: 'aws:s3', awsRegion: 'eu-west-1', s3: { bucket: { name: 'b' } } }] },
      'an aws:s3 event',
      'eu-west-1',
    ],
    [{}, 'an empty object', ''],
    [{ Records: [] }, 'an event with 0 records', ''],
    [[1, 2], 'an array of 2 items', ''],
    ['hello', 'a string', ''],
    [42, 'a number', ''],
    [null, 'nothing', ''],
    [{ foo: 1, bar: 2 }, 'an object with foo, bar', ''],
  ])('%j: says what it is, with its JSON', (payload, kind, where) => {
    const p = formatEvent(payload, {}, '');
    expect(p.text).toBe(`📣 The notifier received ${kind}`);
    expect(p.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${JSON.stringify(payload)}\`\`\`` },
    });
    expect(p.blocks[2]?.elements?.[0]?.text ?? '').toBe(where);
  });

  it('names the queue it came from, and keeps a huge payload short, escaped, its code span closed', () => {
    const payload = { items: Array.from({ length: 500 }, (_, i) => `<item ${i}> \`\`\``) };
    const p = formatEvent(payload, {}, 'SQS queue mission-undelivered');
    const text = (p.blocks[1] as Section).text?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(1006);
    expect(text).toMatch(/^```\{"items":\["&lt;item 0&gt; '''",.*…```$/);
    expect(text.slice(3, -3)).not.toContain('```');
    expect(p.blocks[2]?.elements?.[0]?.text).toBe('SQS queue mission-undelivered');
  });

  it('no payload at all', () => {
    expect((formatEvent(undefined).blocks[1] as Section).text?.text).toBe('_(no payload)_');
  });
});

describe("the handler's region names", () => {
  it('are those of the CLI (the handler cannot import src/, so it keeps a copy)', () => {
    for (const [code, name] of Object.entries(REGION_NAMES)) expect(regionName(code)).toBe(name);
  });
});
