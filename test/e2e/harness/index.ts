/**
 * The e2e harness, for every file under test/e2e/: see README, "Testing end to end".
 */
export { type AwsClients, accountId, aws, errorName, unlessMissing } from './aws.js';
export type { AwsCall } from './call-recorder.js';
export { allRuns, type CliRun, jsonOf, runCli, show } from './cli.js';
export { caps, e2e, NEEDS, requires } from './config.js';
export { clearFaults, faultsLeft, setFaults } from './faults.js';
export { useE2EHooks } from './hooks.js';
export { changedKinds, type Inventory, inventory, leftovers, snapshot } from './inventory.js';
export { KINDS } from './inventory-kinds.js';
export { type Ctx, type Found, type Kind, parseDoc } from './inventory-read.js';
export { statement, statements } from './policy.js';
export { itKeepsWebhookSecrets, placesHolding } from './secrets.js';
export {
  messageText,
  resetSlack,
  slackControl,
  slackMark,
  slackSince,
} from './slack.js';
export { initArgs, namesOf, newStack, STACK_TAG, type TestStack, webhookEnv } from './stack.js';
export { waitFor } from './wait.js';
