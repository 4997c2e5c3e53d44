/**
 * Lookups asked for in the same turn of the event loop, answered by one `lookUp` of them all: the
 * outbox renders the sends of one claim, a hundred reminders, a burst of submissions' messages
 * together, and a query per message was most of what the renders sent to Postgres (issue 17); the
 * job queues add the jobs of a turn in one addBulk alike.
 * `lookUp` answers each key in the order given; its failure fails every one of them.
 */
export class PerTurn<K, V> {
  #waiting: Array<{ key: K; resolve: (value: V) => void; reject: (err: unknown) => void }> = [];

  constructor(private readonly lookUp: (keys: readonly K[]) => Promise<readonly V[]>) {}

  of(key: K): Promise<V> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.push({ key, resolve, reject }) === 1) setImmediate(() => void this.#answer());
    });
  }

  async #answer(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    try {
      const values = await this.lookUp(batch.map((w) => w.key));
      for (const [i, w] of batch.entries()) w.resolve(values[i] as V);
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
