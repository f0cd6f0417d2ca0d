import type { KeyFound } from '../../src/resources/key.js';
import { ACCOUNT, REGION } from '../helpers/aws.js';

/** Shared by the key tests. */
export const OLD_ID = '1111aaaa-0000-0000-0000-000000000001';
export const NEW_ID = '2222bbbb-0000-0000-0000-000000000002';
export const keyArn = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
export const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';
export const DELETION = new Date('2030-01-08T00:00:00Z');

export const found = (state: string, extra: Partial<KeyFound> = {}): KeyFound => ({
  keyId: OLD_ID,
  arn: keyArn(OLD_ID),
  state,
  tags: { 'alarm-to-slack:stack': 'mission' },
  ...extra,
});
