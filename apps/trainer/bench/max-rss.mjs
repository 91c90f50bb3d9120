// Preloaded with `node --import` when /usr/bin/time is missing: on exit, writes this process's
// peak RSS (KiB, from process.resourceUsage) to the file named by EDGEREC_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.EDGEREC_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // The benchmark then reports the peak RSS as unknown.
    }
  });
}
