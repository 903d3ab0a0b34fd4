/** How far a long tool run has got, e.g. `{ done: 120, total: 500, unit: 'trees' }`. */
export interface ToolProgress {
  done: number;
  total: number;
  unit: string;
}

/**
 * What a run may get beside its input. Tools that can report progress (train with
 * gradient boosting) take it as run's optional second argument; the others ignore it.
 */
export interface ToolRunContext {
  onProgress?: (progress: ToolProgress) => void;
}
