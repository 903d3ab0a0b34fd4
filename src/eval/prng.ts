/** The seeded generator used for resampling (see src/random.ts). */
export { mulberry32 } from '../random.js';
