// Regenerates packages/config/config.schema.json from the zod schema (npm run schema).
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { configJsonSchema } = require('../packages/config/dist/index.js');
const file = join(__dirname, '..', 'packages/config/config.schema.json');
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
