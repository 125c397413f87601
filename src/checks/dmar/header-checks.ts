/** Checks of the DMAR header fields. */
import { memberOffset } from '../../codec/index.js';
import { dmarSpec } from '../../acpi/dmar/spec.js';
import { dmarCheck } from './define.js';

/** Linux refuses a DMAR whose Host Address Width (N-1) is below PAGE_SHIFT-1 = 11: addresses narrower than a 4 KiB page number. */
const MIN_HOST_ADDRESS_WIDTH = 11;

export const hawTooSmall = dmarCheck({
  id: 'dmar-haw-too-small',
  severity: 'error',
  description: `Host Address Width below ${MIN_HOST_ADDRESS_WIDTH} (addresses narrower than 12 bits): Linux rejects the table and VT-d stays off`,
  run: ({ table }, ctx) => {
    const haw = table.hostAddressWidth;
    if (haw === undefined || haw >= MIN_HOST_ADDRESS_WIDTH) return [];
    return [{
      path: ctx.table.name,
      offset: memberOffset(dmarSpec, 'hostAddressWidth'),
      message:
        `Host Address Width ${haw} means ${haw + 1}-bit DMA addresses; Linux rejects a DMAR whose width is below ` +
        `${MIN_HOST_ADDRESS_WIDTH} (12 bits, one 4 KiB page) and leaves VT-d off. The field holds the width minus one (47 for 48 bits)`,
    }];
  },
});
