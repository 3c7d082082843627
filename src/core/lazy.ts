/**
 * Builds a value on first use and keeps it. The generated zod checks are built this way, so that
 * importing the SDK costs nothing for the operations a program never calls.
 */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    if (value === undefined) value = build();
    return value;
  };
}
