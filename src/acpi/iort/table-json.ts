/**
 * The IORT's JSON for `decode --format json` and `encode`: the full model
 * (node references as {"node": i}, mappings and arrays as fields), not the
 * registry row's shallow declaration. A table whose bytes the full model
 * cannot say exactly (odd node offsets, damaged layouts) keeps the shallow
 * form, which says every byte; the shallow form is told apart by its
 * `nodeOffset` key, which the full model derives.
 */
import type { Json } from '../../codec/index.js';
import { modelTableJson } from '../model-table-json.js';
import { decodeIort, encodeIort } from './codec.js';
import { iortFromJson, iortToJson } from './json.js';

export const IORT_JSON = modelTableJson({
  decode: (bytes) => decodeIort(bytes),
  encode: encodeIort,
  toJson: (t) => iortToJson(t) as Json,
  fromJson: iortFromJson,
  wireKey: 'nodeOffset',
});
