/** Small fakes shared by the topic/key/role/log-group resource tests. */

/** An SDK-shaped AWS error reply. */
export function awsError(name: string, status = 400, message = `${name} from AWS`) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/**
 * Mock answers that count how many calls are in flight at once: `max` is 1 when a find makes its
 * calls one after the other, and the number of calls when it makes them in one round trip.
 */
export function inFlight() {
  const state = {
    now: 0,
    max: 0,
    slow:
      <T>(value: T) =>
      async (): Promise<T> => {
        state.now++;
        state.max = Math.max(state.max, state.now);
        await new Promise((r) => setImmediate(r));
        state.now--;
        return value;
      },
  };
  return state;
}
