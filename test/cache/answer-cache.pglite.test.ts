import { answerCacheContract } from './answer-cache.contract.js';
import { openTestPglite } from './helpers.js';

answerCacheContract('PGlite', openTestPglite);
