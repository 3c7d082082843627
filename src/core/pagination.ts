/** One page as the list methods return it. */
export interface PageOf<T> {
  items: T[];
  totalItems: number;
}

/** Page size `iterate()` asks for when the caller gave none: the contract's maximum, fewest requests. */
export const ITERATE_PAGE_SIZE = 100;

/**
 * Walks pages from `firstPage` until one comes back short or empty, or the total is reached.
 * Each page is fetched only when the previous one has been consumed, so breaking out early
 * costs no extra requests.
 */
export async function* paginate<T>(
  fetchPage: (page: number, pageSize: number) => Promise<PageOf<T>>,
  firstPage: number,
  pageSize: number,
): AsyncGenerator<T, void, undefined> {
  for (let page = firstPage; ; page++) {
    const { items, totalItems } = await fetchPage(page, pageSize);
    yield* items;
    if (items.length < pageSize || (page - 1) * pageSize + items.length >= totalItems) return;
  }
}
