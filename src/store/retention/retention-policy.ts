/**
 * How long the projected tables keep what they hold (the `retention` settings). The inbox is not concerned: it is
 * deleted segment by segment once projected. Times are milliseconds; 0 keeps for ever.
 */
export interface RetentionPolicy {
  /** Events older than this go (with their settled deliveries, attempts and answers); 0 keeps them for ever. */
  readonly defaultMs: number;
  /** Per command, instead of `defaultMs`; 0 keeps that command's events for ever. */
  readonly byCommand: Readonly<Record<string, number>>;
  /**
   * true (the default): every conversation row stays, whatever its age (it is the latest state, not history).
   * false: rows not seen within `defaultMs` go too.
   */
  readonly retainConversations: boolean;
}

/** Keeps everything: what a store does when no retention is set. */
export const KEEP_EVERYTHING: RetentionPolicy = { defaultMs: 0, byCommand: {}, retainConversations: true };

/** The retention of one command's events, ms (0: for ever). */
export function retentionOf(policy: RetentionPolicy, command: string): number {
  return Object.hasOwn(policy.byCommand, command) ? (policy.byCommand[command] ?? 0) : policy.defaultMs;
}

/** Events of `command` received before this (epoch ms) may go; undefined when that command is kept for ever. */
export function cutoffOf(policy: RetentionPolicy, command: string, now: number): number | undefined {
  const ms = retentionOf(policy, command);
  return ms > 0 ? now - ms : undefined;
}

/** Whether the policy ever removes anything. */
export function prunesAnything(policy: RetentionPolicy): boolean {
  return policy.defaultMs > 0 || Object.values(policy.byCommand).some((ms) => ms > 0);
}

/** Conversation rows last seen before this go; undefined when they are all kept. */
export function conversationCutoff(policy: RetentionPolicy, now: number): number | undefined {
  return !policy.retainConversations && policy.defaultMs > 0 ? now - policy.defaultMs : undefined;
}
