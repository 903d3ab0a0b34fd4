/**
 * Attribute names of groundwork's spans. The `gen_ai.*` names are the OpenTelemetry GenAI semantic
 * conventions (semantic-conventions 1.45.0, still "incubating"); the package asks users of
 * incubating names to copy them rather than import its 770 kB incubating entry, and the HTTP ones
 * are copied with them so no start-up pays for that package. test/monitor/tracing checks every
 * name here against the package's own constants.
 */

/** The request id (`x-request-id`) on every span of a request. */
export const ATTR_GROUNDWORK_REQUEST_ID = 'groundwork.request_id';
export const ATTR_GROUNDWORK_TENANT = 'groundwork.tenant';

// Stable HTTP, URL and error attributes.
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';

// GenAI (incubating) attributes of a model call.
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Superseded by gen_ai.provider.name; still written because many backends read only this one. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat';
export const GEN_AI_OPERATION_NAME_VALUE_RETRIEVAL = 'retrieval';
