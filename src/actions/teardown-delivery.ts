/**
 * teardown's decisions on what delivers alerts besides the topic's subscription: other people's alarms
 * that notify the topic (disconnected, never deleted), the every-alarm rule (its targets, then the rule),
 * the event source mapping and the undelivered-alert queue (whose waiting alerts the plan counts, since
 * they are discarded with it).
 */
import { disconnectAlarm } from '../resources/alarm-connection.js';
import { ownership, type StackContext, type Tags } from '../resources/context.js';
import { removeMapping } from '../resources/event-source.js';
import { removeQueue } from '../resources/queue.js';
import { removeRule } from '../resources/rule.js';
import type { StackFound } from './discover-stack.js';
import { type Kind, RESOURCE_LABEL, type Removal, type RemovalDone } from './teardown-kinds.js';

interface Helpers {
  decide(tags: Tags | undefined): Pick<Removal, 'action' | 'reason'>;
  just(remove: () => Promise<void>, text?: string): () => Promise<RemovalDone>;
  /** Whether teardown removes the topic: only then are other alarms disconnected from it. */
  topicRemoved: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function deliveryRemovals(stack: StackContext, found: StackFound, h: Helpers): Removal[] {
  const { names } = stack;
  const out: Removal[] = [];
  const add = (
    kind: Kind,
    id: string,
    name: string,
    decision: Pick<Removal, 'action' | 'reason' | 'discards'>,
    run: () => Promise<RemovalDone>,
  ) =>
    out.push({
      id,
      kind,
      resource: RESOURCE_LABEL[kind],
      name,
      ...decision,
      ...(decision.action === 'skip' ? {} : { remove: run }),
    });

  if (h.topicRemoved) {
    found.connected.forEach((alarm, i) => {
      add(
        'connected',
        `connected-${i + 1}`,
        alarm.name,
        {
          action: 'disconnect',
          reason: `notifies ${names.topic} on ${alarm.states.join(', ')}; kept, not deleted`,
        },
        async () => {
          const outcome = await disconnectAlarm(stack, alarm.name);
          if (outcome.kind === 'failed') throw new Error(outcome.error);
          return { text: `${names.topic} removed from its actions; the alarm is kept` };
        },
      );
    });
  }

  if (found.rule)
    add(
      'rule',
      'rule',
      names.rule,
      h.decide(found.rule.tags),
      h.just(() => removeRule(stack), 'targets and rule removed'),
    );

  const mapping = found.mapping;
  if (mapping) {
    // It links the queue to the function: ours when either end (or the mapping itself) is.
    const ends = [mapping.tags, found.fn?.tags, found.queue?.tags].filter((t): t is Tags => t !== undefined);
    const decision = ends.some((t) => ownership(t, names.stack) === 'ours')
      ? ({ action: 'remove' } as const)
      : h.decide(mapping.tags);
    add(
      'mapping',
      'mapping',
      `${names.queue} → ${names.functionName}`,
      decision,
      h.just(() => removeMapping(stack, mapping.uuid)),
    );
  }

  const queue = found.queue;
  if (queue) {
    const decision = h.decide(queue.tags);
    const waiting = queue.messages.waiting + queue.messages.inFlight + queue.messages.delayed;
    const discarded =
      waiting > 0 && decision.action === 'remove'
        ? `${plural(waiting, 'undelivered alert')} in it will be discarded`
        : undefined;
    add(
      'queue',
      'queue',
      names.queue,
      discarded
        ? { ...decision, reason: [decision.reason, discarded].filter(Boolean).join('; '), discards: waiting }
        : decision,
      h.just(
        () => removeQueue(stack, queue.url),
        discarded ? `removed; ${discarded.replace(' will be', waiting === 1 ? ' was' : ' were')}` : 'removed',
      ),
    );
  }
  return out;
}
