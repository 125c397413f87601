// Preloaded (`node --import`) into a measured Node process when GNU time is
// not installed: writes the process's peak RSS (KiB) and CPU seconds (user,
// system) to the file named by RIDMAP_BENCH_RSS_FILE as it exits, however
// it exits, in the form GNU time's '%M %U %S' has.
import { writeFileSync } from 'node:fs';

const file = process.env.RIDMAP_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
}
