/**
 * Stable diagnostic codes of the binary engine. They name what is wrong with
 * the bytes in terms the engine knows (structures, lengths, lists), never a
 * particular table; the structure path and offset say where.
 */
export const BinCode = {
  /** The data ends inside a fixed field of a structure (error). */
  truncated: 'bin-truncated',
  /** A length field runs past the end of the enclosing structure or data (error). */
  lengthOverrun: 'bin-length-overrun',
  /** A length field is smaller than the structure's fixed part (error). */
  lengthShort: 'bin-length-short',
  /** A list item has length zero; the walk stops there (error). */
  zeroLength: 'bin-zero-length',
  /** A list item's type has no declaration; kept as raw bytes (warning). */
  unknownType: 'bin-unknown-type',
  /** An enum field holds a value without a name (warning). */
  unknownEnum: 'bin-unknown-enum',
  /** Reserved bytes are not zero; kept (warning). */
  reservedNonZero: 'bin-reserved-nonzero',
  /** Reserved bits of a flags field are set; kept (warning). */
  reservedBits: 'bin-reserved-bits',
  /** Bytes left inside a structure after its members; kept (warning). */
  trailingBytes: 'bin-trailing-bytes',
  /** An array's space is not a whole number of elements; the rest is kept (warning). */
  partialElement: 'bin-partial-element',
  /** A count field asks for more elements than fit (error). */
  countOverrun: 'bin-count-overrun',
  /** A NUL-terminated string has no NUL inside its structure (error). */
  unterminatedString: 'bin-unterminated-string',
  /** An offset field puts a list inside the fixed fields or past the end (error). */
  offsetOutside: 'bin-offset-outside',
  /** A count field names more list items than the structure holds (error). */
  countShort: 'bin-count-short',
  /** Bytes after the last of the items a count field names; kept (warning). */
  afterItems: 'bin-after-items',
  /** A part placed by its offset and count fields runs past the structure's end; the structure is kept raw (error). */
  partOutside: 'bin-part-outside',
  /** Placed parts overlap each other or the fixed fields; the structure is kept raw (error). */
  partOverlap: 'bin-part-overlap',
  /** A reference is the start of no item of the list it names; kept as its offset (error). */
  danglingReference: 'bin-dangling-reference',
} as const;

/** Codes of encode: the model cannot be written. All are errors. */
export const EncodeCode = {
  /** A field is missing from the model. */
  missing: 'encode-missing',
  /** A field's value has the wrong type or does not fit. */
  badValue: 'encode-bad-value',
  /** A computed length or count does not fit its field. */
  overflow: 'encode-overflow',
  /** A union item names no known variant. */
  unknownVariant: 'encode-unknown-variant',
  /** A reference names no item of its list. */
  badReference: 'encode-bad-reference',
} as const;

/** Codes of fromJson: the JSON does not describe a model. All are errors but `derivedIgnored`. */
export const JsonCode = {
  syntax: 'json-syntax',
  type: 'json-type',
  missing: 'json-missing',
  unknownKey: 'json-unknown-key',
  badValue: 'json-bad-value',
  unknownVariant: 'json-unknown-variant',
  /** A derived field (length, checksum, ...) was given; it is computed instead (warning). */
  derivedIgnored: 'json-derived-ignored',
} as const;
