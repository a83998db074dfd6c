#!/usr/bin/env node
// `npm run schema`: writes scenarios/scenario.schema.json from the zod schema scenario files are
// validated with (harness/scenario-schema.ts); a test fails while the committed file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import { ROOT } from './bundle.js';

register();
const { scenarioJsonSchema } = await import('../harness/scenario-schema.ts');
writeFileSync(join(ROOT, 'scenarios', 'scenario.schema.json'), JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
