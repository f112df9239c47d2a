/** What every callback answer carries. OpenIM decodes it case-insensitively and ignores the HTTP status. */
export interface ResponsePackage {
  actionCode: number;
  errCode: number;
  errMsg: string;
  errDlt: string;
  nextCode: number;
}

/** A before-callback's answer: the package plus the fields it overrides (see buildAnswerFields). */
export type ResponseWithOverrides = ResponsePackage & Readonly<Record<string, unknown>>;

/** The success package: OpenIM goes on (and applies the answer fields of before-callbacks). */
export function continueResponse(fields: Readonly<Record<string, unknown>> = {}): ResponseWithOverrides {
  return { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0, ...fields };
}

export interface Rejection {
  /** Non-zero: OpenIM maps errCode 0 to gRPC OK, so a zero code loses the rejection (docs/protocol.md §1.5). */
  errCode: number;
  errMsg?: string;
  errDlt?: string;
}

/** The only package that stops OpenIM: actionCode 0 and nextCode 1, with a non-zero errCode. */
export function rejectResponse(rejection: Rejection): ResponsePackage {
  if (!Number.isInteger(rejection.errCode) || rejection.errCode === 0) {
    throw new RangeError('a rejection needs a non-zero integer errCode, or OpenIM loses it');
  }
  return {
    actionCode: 0,
    errCode: rejection.errCode,
    errMsg: rejection.errMsg ?? '',
    errDlt: rejection.errDlt ?? '',
    nextCode: 1,
  };
}

/**
 * An error of ours, answered so that OpenIM goes on whatever its version: HEAD stops only on actionCode 0 with
 * nextCode 1, v3.6 and older also on any non-zero actionCode. The non-zero errCode says what went wrong.
 */
export function errorResponse(errCode: number, errMsg: string, errDlt = ''): ResponsePackage {
  return { actionCode: 0, errCode, errMsg, errDlt, nextCode: 0 };
}

/** OpenIM's rule since v3.7.0 (`CommonCallbackResp.Parse`): an answer blocks iff actionCode == 0 && nextCode == 1. */
export function isBlocking(response: Pick<ResponsePackage, 'actionCode' | 'nextCode'>): boolean {
  return response.actionCode === 0 && response.nextCode === 1;
}
