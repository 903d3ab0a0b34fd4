export { configSchema, type Config, type ConfigInput } from './schema.js';
export { loadConfig, parseConfig, ENV_KEYS, CONFIG_FILE_NAME, type LoadConfigOptions } from './load-config.js';
