// Part of `npm run build`: makes the template data dir that fresh embedded stores start from
// (dist/db/pglite-template.tar.gz), with the compiled driver's own initdb parameters.
import { initdbParams } from '../dist/db/pglite-driver.js';
import { makePgliteTemplate, PGLITE_TEMPLATE_FILE } from '../dist/db/pglite-template.js';

await makePgliteTemplate(PGLITE_TEMPLATE_FILE, initdbParams());
