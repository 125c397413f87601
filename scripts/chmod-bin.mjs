// tsc does not keep the executable bit; npm links bin entries but a direct
// `./dist/cli/bin.js` call (and `npm start` on some shells) needs it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/bin.js', import.meta.url), 0o755);
