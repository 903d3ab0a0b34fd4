export { configSchema, type Config, type ConfigInput } from './schema.js';
export { tenantNameSchema, assertTenantName, isTenantName, TENANT_NAME_PATTERN, TENANT_NAME_RULE } from './tenant-name.js';
export { loadConfig, parseConfig, ENV_KEYS, CONFIG_FILE_NAME, type LoadConfigOptions } from './load-config.js';
