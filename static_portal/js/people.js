// Names of people (staff and customers) for ids shown on a screen: the ids a page needs are asked for
// together (`GET /v1/people?ids=…`, up to 100 per request) and remembered for the session, so a page of
// 50 items costs one request for its requesters, never one per customer.

export const PEOPLE_BATCH = 100;

/**
 * createPeople(fetchBatch) → {resolve, get, name, seed, forget}
 * fetchBatch(ids) resolves to a list of people {id, name, email, …}; ids it does not return are remembered
 * as unknown (null) so they are not asked for again; a failed batch is forgotten and asked again next time.
 */
export function createPeople(fetchBatch, { batch = PEOPLE_BATCH } = {}) {
  const known = new Map();
  const asking = new Map();

  async function resolve(ids) {
    const wanted = [...new Set((ids || []).filter((id) => typeof id === "string" && id))];
    const missing = wanted.filter((id) => !known.has(id) && !asking.has(id));
    for (let i = 0; i < missing.length; i += batch) {
      const chunk = missing.slice(i, i + batch);
      const promise = Promise.resolve()
        .then(() => fetchBatch(chunk))
        .then((people) => {
          for (const person of people || []) if (person && person.id) known.set(person.id, person);
          for (const id of chunk) if (!known.has(id)) known.set(id, null);
        })
        .catch(() => {
          // Names are a nicety: show what we have, ask again on the next screen.
        })
        .finally(() => chunk.forEach((id) => asking.delete(id)));
      chunk.forEach((id) => asking.set(id, promise));
    }
    await Promise.all(wanted.map((id) => asking.get(id)).filter(Boolean));
    return wanted.map((id) => known.get(id) || null);
  }

  const get = (id) => known.get(id) || null;
  return {
    resolve,
    get,
    /** A display name: the person's name, else their email, else `fallback`. */
    name: (id, fallback = "") => {
      const p = get(id);
      return (p && (p.name || p.email)) || fallback;
    },
    seed(people) {
      for (const p of people || []) if (p && p.id) known.set(p.id, { ...(known.get(p.id) || {}), ...p });
    },
    forget(id) {
      if (id === undefined) known.clear();
      else known.delete(id);
    },
  };
}
