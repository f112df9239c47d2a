/**
 * One callback ready to post: its body already encoded (OpenIM snapshots an after-callback's values when it is
 * queued; a relay re-posts the bytes it received), with the timeout of its command.
 */
export interface EncodedCallback {
  readonly command: string;
  /** The exact body, as encodeGoJson wrote it (or as OpenIM sent it). */
  readonly requestBody: string;
  readonly operationID: string;
  readonly timeoutMs: number;
}
