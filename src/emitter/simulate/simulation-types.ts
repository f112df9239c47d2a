import type { AfterCall, BeforeCall } from '../emitter-types.js';

/** One callback of a simulated OpenIM operation, in the order OpenIM issues them. */
export interface SimulationStep {
  /** For people: `before(A)`, `after(A)`, `before(A again)`, `after(B)`, `before(B)`, `before`, `after`. */
  readonly label: string;
  readonly command: string;
  /** The request struct as it was when the callback was issued. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly call: BeforeCall | AfterCall;
}

export interface SimulationResult {
  /** Shared by every callback of the operation, as in OpenIM (one context). */
  readonly operationID: string;
  readonly conversationId: string;
  readonly steps: readonly SimulationStep[];
  /** The before-callback whose failure or rejection stopped the operation where OpenIM stops it, if any. */
  readonly stoppedAt: SimulationStep | null;
}

export interface PairInput {
  readonly sendID: string;
  readonly recvID: string;
  /** Fresh per trigger unless given. */
  readonly operationID?: string;
}

export interface GroupInput {
  readonly groupID: string;
  readonly operationID?: string;
}
