/**
 * A value made on first use and kept. Table declarations are built this way
 * (acpi/madt, ivrs, iort spec.ts): every command loads every table's module
 * through the registry, and a run that reads no such table should not pay
 * for building its declarations at start-up (issue 21).
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
