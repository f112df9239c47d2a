export { startService } from './start-service.js';
export type { RunningService, ServiceOptions } from './start-service.js';
export {
  resolveConfig,
  DEFAULT_CONFIG,
  ConfigError,
  configReference,
  envNameOf,
  resolveSetting,
  exampleConfigFile,
  SIGNATURE_ALGORITHM_SETTINGS,
} from './config.js';
export type { ServiceConfig, SettingReference } from './config.js';
export { createLogger } from './logger.js';
