import type { Env, Handlers } from '../env.js';
import { cloudwatchHandlers } from './cloudwatch.js';
import { eventsHandlers } from './events.js';
import { iamHandlers } from './iam.js';
import { kmsHandlers } from './kms.js';
import { lambdaHandlers } from './lambda.js';
import { asyncHandlers } from './lambda-async.js';
import { invokeHandlers } from './lambda-invoke.js';
import { logsHandlers } from './logs.js';
import { metricsEc2Handlers } from './metrics-ec2.js';
import { snsHandlers } from './sns.js';
import { sqsHandlers } from './sqs.js';
import { sqsMessageHandlers } from './sqs-messages.js';

/** Every service's handlers, keyed "client.Command". */
export const SERVICES: ReadonlyArray<(env: Env) => Handlers> = [
  snsHandlers,
  kmsHandlers,
  iamHandlers,
  logsHandlers,
  lambdaHandlers,
  invokeHandlers,
  asyncHandlers,
  cloudwatchHandlers,
  metricsEc2Handlers,
  sqsHandlers,
  sqsMessageHandlers,
  eventsHandlers,
];
