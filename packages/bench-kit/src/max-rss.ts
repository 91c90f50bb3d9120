// The peak-RSS preload used when /usr/bin/time is missing: `node --import <this URL>` makes a Node
// child write its peak RSS (KiB, from process.resourceUsage) on exit to EDGEREC_BENCH_RSS_FILE.
// It is a data: URL of plain JavaScript because the children are built Node programs, run without tsx.

/** The environment variable naming the file the preload writes. */
export const RSS_FILE_VARIABLE = 'EDGEREC_BENCH_RSS_FILE';

const PRELOAD_SOURCE = `import { writeFileSync } from 'node:fs';
const file = process.env.${RSS_FILE_VARIABLE};
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, process.resourceUsage().maxRSS + '\\n');
    } catch {
      // The benchmark then reports the peak RSS as unknown.
    }
  });
}
`;

/** The `--import` specifier of the preload. */
export const MAX_RSS_PRELOAD = `data:text/javascript,${encodeURIComponent(PRELOAD_SOURCE)}`;
