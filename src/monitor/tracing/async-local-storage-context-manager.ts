/**
 * The OpenTelemetry context manager for Node: the active context follows async calls through
 * AsyncLocalStorage, so a span started in an awaited stage is a child of the span that awaited it.
 * The same design as @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager (that
 * package is not among groundwork's dependencies; this is its function-binding part, without the
 * EventEmitter patching groundwork does not need). Registered only while tracing is on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/** A context manager over one AsyncLocalStorage. */
export function createAsyncLocalStorageContextManager(): ContextManager {
  const storage = new AsyncLocalStorage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with(context, fn, thisArg, ...args) {
      const call = thisArg === undefined ? fn : fn.bind(thisArg);
      return storage.run(context, call as (...a: typeof args) => ReturnType<typeof fn>, ...args);
    },
    bind<T>(context: Context, target: T): T {
      if (typeof target !== 'function') return target;
      const original = target as unknown as (...a: unknown[]) => unknown;
      const bound = function (this: unknown, ...a: unknown[]): unknown {
        return manager.with(context, () => original.apply(this, a));
      };
      return bound as unknown as T;
    },
    enable() {
      return manager;
    },
    disable() {
      storage.disable();
      return manager;
    },
  };
  return manager;
}
