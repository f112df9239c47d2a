import { continueResponse } from '../../protocol/index.js';
import type { AttemptRecord, DeliveryRecord, EventRecord, Store } from '../../store/index.js';

/** The success package, as the receiver writes it: what every event without a kept answer got. */
export const SUCCESS_ANSWER = JSON.stringify(continueResponse());

export interface EventDetail extends EventRecord {
  /** What OpenIM got back. `answeredAt` is null for the success package, which is not stored (see recordAnswer). */
  answer: { status: number; body: string; answeredAt: string | null };
  deliveries: (DeliveryRecord & { history: AttemptRecord[] })[];
}

/** One event with the answer it got and each of its deliveries with the history of its attempts (≤ 1000 each). */
export async function eventDetail(store: Store, id: number): Promise<EventDetail | undefined> {
  const event = await store.getEvent(id);
  if (!event) return undefined;
  const [answer, deliveries, attempts] = await Promise.all([
    store.getAnswer(id),
    store.listDeliveries({ eventId: id, limit: 1000 }),
    store.listAttempts({ eventId: id, limit: 1000 }),
  ]);
  return {
    ...event,
    answer: answer ?? { status: 200, body: SUCCESS_ANSWER, answeredAt: null },
    deliveries: deliveries.items.map((delivery) => ({
      ...delivery,
      history: attempts.items.filter((attempt) => attempt.deliveryId === delivery.id),
    })),
  };
}
