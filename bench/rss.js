// Preloaded by bench/scale.js (node --require): reports the process's peak resident memory at exit.
'use strict';
process.on('exit', () => process.stderr.write(`bench-max-rss-kb ${process.resourceUsage().maxRSS}\n`));
