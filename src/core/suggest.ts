/** "Did you mean …?" for a misspelt option or field. */

/** Edit distance, for "did you mean" on a misspelt option. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] as number;
      row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length] as number;
}

/** "unknown option; allowed: … (did you mean x?)" for a key that is not one of `allowed`. */
export function unknownKeyProblem(key: string, allowed: readonly string[]): string {
  const lower = key.toLowerCase();
  const close = allowed
    .map((name) => {
      const other = name.toLowerCase();
      // A name with a unit or suffix added (memoryMib, timeoutMin) is as close as a typo.
      const prefix = Math.min(lower.length, other.length) >= 4 && (lower.startsWith(other) || other.startsWith(lower));
      return { name, d: other === lower ? 0 : prefix ? 1 : distance(lower, other) };
    })
    .filter((c) => c.d <= Math.max(2, Math.floor(c.name.length / 4)))
    .sort((x, y) => x.d - y.d)[0];
  return `is not an option (allowed: ${allowed.join(", ")})${close ? `; did you mean ${close.name}?` : ""}`;
}
