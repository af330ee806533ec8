// One pattern for every screen (list, board, item, search, and later Gantt, calendar, reports):
// a view is made from its route and has four parts.
//   load()         fetch what the screen needs → data (no DOM)
//   render(data)   build the screen once
//   update(data)   bring the shown screen up to date in place (selection, scroll, typed text survive)
//   dispose()      stop its timers and listeners when another screen replaces it
// The host shows one view at a time; live updates call host.refresh(), which reloads and updates the
// current view only. No module-wide state object: what a screen knows lives in its view.

/**
 * defineView({load, render, update?, dispose?}) → view
 * refresh() = load() then update(data) (render(data) when there is no update); nothing happens once disposed.
 */
export function defineView({ load, render, update, dispose }) {
  let alive = true;
  return {
    load,
    render,
    refresh: update === null ? null : async () => {
      const data = await load();
      if (alive) await (update || render)(data);
    },
    dispose() {
      alive = false;
      dispose?.();
    },
    get alive() {
      return alive;
    },
  };
}

/** A screen with nothing to reload (a form, a settings page): render() alone. */
export function staticView(render) {
  return defineView({ load: async () => null, render, update: null });
}

/**
 * createHost({onError}) → {show(view), refresh(), current}
 * show() disposes the previous view, loads the new one and renders it unless a newer show() won meanwhile.
 * refresh() runs one refresh of the current view at a time, once it has rendered; a failed refresh keeps what is shown.
 */
export function createHost({ onError } = {}) {
  let current = null;
  let ready = false; // the current view has rendered: only then is there something to refresh
  let turn = 0;
  let refreshing = null;
  return {
    async show(view) {
      const mine = ++turn;
      current?.dispose?.();
      current = view;
      ready = false;
      try {
        const data = await view.load();
        if (mine !== turn) return;
        await view.render(data);
        if (mine === turn) ready = true;
      } catch (err) {
        if (mine === turn) onError?.(err, view);
      }
    },
    refresh() {
      const view = current;
      if (!view || !view.refresh || !ready) return Promise.resolve();
      if (refreshing) return refreshing;
      refreshing = (async () => {
        try {
          await view.refresh();
        } catch {
          // A live update that fails (network blip) leaves the screen as it was; the next one tries again.
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    },
    get current() {
      return current;
    },
  };
}
