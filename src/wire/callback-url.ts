/**
 * Where OpenIM (v3.4.2 onward) posts a callback: plain string concatenation, so a trailing "/" in `url` gives
 * "//command" and a query in `url` swallows the command (docs/protocol.md §1.1). Reproduced as is.
 */
export function callbackUrl(url: string, command: string): string {
  return `${url}/${command}`;
}
