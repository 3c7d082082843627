import type { Page } from "../models";

/** Page size `iterate()` asks for when the caller gave none: the contract's maximum, fewest requests. */
export const ITERATE_PAGE_SIZE = 100;

/** What paging needs of a list's params. */
interface Paged {
  page?: number;
  pageSize?: number;
}

/**
 * Every item of a paged list, page after page from `params.page`, until a page comes back short
 * or empty, or the total is reached. Each page is fetched only when the previous one has been
 * consumed, so breaking out early costs no extra requests. `list` is called with the caller's
 * filters and the page to fetch; its checks run at the first page.
 */
export async function* paginate<P extends Paged, T>(
  list: (params: P) => Promise<Page<T>>,
  params: P,
): AsyncGenerator<T, void, undefined> {
  const pageSize = params.pageSize ?? ITERATE_PAGE_SIZE;
  for (let page = params.page ?? 1; ; page++) {
    const { items, totalItems } = await list({ ...params, page, pageSize });
    yield* items;
    if (items.length < pageSize || (page - 1) * pageSize + items.length >= totalItems) return;
  }
}
