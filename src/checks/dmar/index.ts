/** Every DMAR check, in the order findings are listed. */
import type { Check } from '../check.js';
import { hawTooSmall } from './header-checks.js';
import { anddNoScope, namespaceScopeDuplicate, namespaceScopeNoAndd } from './namespace-checks.js';
import { rmrrEndBeforeBase, rmrrOverlap, rmrrUnaligned } from './rmrr-checks.js';
import { atsrAllPortsWithScopes, hpetDuplicate, ioapicDuplicate, scopeInTwoDrhds } from './scope-checks.js';
import { scopeNoDevice, scopeStartBusNotRoot, scopeTypeMismatch } from './topology-checks.js';
import {
  drhdDuplicateBase,
  drhdNoScope,
  includeAllDuplicate,
  includeAllNotLast,
  rhsaUnknownBase,
  segmentWithoutDrhd,
} from './unit-checks.js';

export const DMAR_CHECKS: readonly Check[] = [
  hawTooSmall,
  includeAllNotLast,
  includeAllDuplicate,
  drhdNoScope,
  drhdDuplicateBase,
  rhsaUnknownBase,
  segmentWithoutDrhd,
  anddNoScope,
  namespaceScopeNoAndd,
  namespaceScopeDuplicate,
  rmrrUnaligned,
  rmrrEndBeforeBase,
  rmrrOverlap,
  atsrAllPortsWithScopes,
  ioapicDuplicate,
  hpetDuplicate,
  scopeInTwoDrhds,
  scopeNoDevice,
  scopeTypeMismatch,
  scopeStartBusNotRoot,
];
