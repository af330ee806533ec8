// "Load more" for every cursor-paged list (workspace items, portal "My requests", the widget).
// The button shows only while the API's last answer carried a next_cursor, a click asks for the
// page after that cursor and nothing else, and a row already shown is never appended twice.

/**
 * pager({fetchPage, render, button, onError, key}) → load()
 * fetchPage(cursor) resolves to {items, next_cursor}; render(newRows) appends them (may be async);
 * onError(err) shows a failure; key(row) names a row (default row.id).
 * Call load() once for the first page; the button does the rest.
 */
export function pager({ fetchPage, render, button, onError, key = (row) => row.id }) {
  let cursor = null;
  let started = false;
  let busy = false;
  const seen = new Set();
  button.hidden = true;
  const load = async () => {
    // Past the first page only a cursor may ask for more: without one the list is complete.
    if (busy || (started && !cursor)) return;
    busy = true;
    button.disabled = true;
    try {
      const page = await fetchPage(cursor);
      const fresh = [];
      for (const row of (page && page.items) || []) {
        const k = key(row);
        if (seen.has(k)) continue;
        seen.add(k);
        fresh.push(row);
      }
      started = true;
      cursor = (page && page.next_cursor) || null;
      button.hidden = !cursor; // render may ask whether more is coming
      await render(fresh);
    } catch (err) {
      onError(err);
    } finally {
      busy = false;
      button.disabled = false;
      button.hidden = !cursor;
    }
  };
  button.addEventListener("click", load);
  return load;
}
