import { STACK_TAG } from '../names.js';
import { ownership, type PlanItem, type Tags } from './context.js';

/**
 * The `alarm-to-slack:stack` tag of a resource that already exists. Teardown removes only what carries
 * it, so a same-named resource adopted without it (e.g. made by hand from the tutorial) gets it; one
 * tagged for another stack is left alone, and the plan says teardown of this stack will skip it.
 */

/** True when the resource has no stack tag at all (so ensure* adds ours). Unknown tags: pass undefined. */
export function tagMissing(tags: Tags | undefined, stack: string): boolean {
  return tags !== undefined && ownership(tags, stack) === 'untagged';
}

/** The plan line adding our tag. */
function addTagChange(stack: string): string {
  return `add tag ${STACK_TAG}=${stack}`;
}

/**
 * A found resource's plan item with its tag accounted for: a missing tag makes it an update; another
 * stack's tag adds a warning and changes nothing. `tags` undefined means they could not be read.
 */
export function withTagPlan(item: PlanItem, tags: Tags | undefined, stack: string): PlanItem {
  if (item.action === 'create' || tags === undefined) return item;
  const own = ownership(tags, stack);
  if (own === 'ours') return item;
  const line =
    own === 'untagged'
      ? addTagChange(stack)
      : `tagged for stack ${tags[STACK_TAG]}: teardown of this stack will skip it`;
  return {
    ...item,
    action: own === 'untagged' && item.action === 'unchanged' ? 'update' : item.action,
    changes: [...(item.changes ?? []), line],
  };
}
