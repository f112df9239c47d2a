// The names the emitter's after-callback modes had before they were given one name per notion. Kept so that code
// written against the earlier release still compiles and runs; new code uses the names on the right.
import type { EncodedCallback } from '../wire/index.js';
import type { AfterMode, AfterModeFactory, AfterTarget, SendEncoded } from './modes/after-mode.js';
import { openimMode } from './modes/openim-mode.js';

/** @deprecated use `AfterMode` */
export type AfterDelivery = AfterMode;
/** @deprecated use `AfterModeFactory` */
export type AfterDeliveryFactory = AfterModeFactory;
/** @deprecated use `AfterTarget` */
export type DeliveryTarget = AfterTarget;
/** @deprecated use `EncodedCallback` */
export type AfterJob = EncodedCallback;
/** @deprecated use `SendEncoded` */
export type PostJob = SendEncoded;
/** @deprecated use `openimMode` */
export const openimDelivery = openimMode;
