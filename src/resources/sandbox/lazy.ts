/**
 * In-sandbox areas whose code loads on first use. `sandbox.filesystem` must answer at once (it is
 * a property, and the docs call `sandbox.filesystem.readFile(…)` on it), but the area's module is
 * a separate `import()` chunk in `dist/`: a program that only drives the control plane never
 * loads it, and a bundler leaves it out of the first chunk. So the property is a stand-in that
 * loads the module on its first call and from then on is the area itself.
 */

/** The members of `T` that do not return a promise: those a stand-in cannot answer with one. */
export type NotAsync<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? never : K;
}[keyof T];

/**
 * How the stand-in answers what is not a plain async method: `streams` return an async iterable
 * at once (iterating it loads the area first); `own` members are answered without the module.
 * Typed so that a new member of an area that returns no promise fails to compile until it is
 * placed here.
 */
export interface LazyShape<T> {
  /** The area's class name, for messages and `console.log` before it has loaded. */
  readonly name: string;
  readonly streams: readonly NotAsync<T>[];
  readonly own: { readonly [K in NotAsync<T>]?: T[K] };
}

/** Compile-time check that `shape` places every non-async member of the area. */
export type Placed<T, S extends LazyShape<T>> = Exclude<NotAsync<T>, S["streams"][number] | keyof S["own"]>;

/**
 * A stand-in for the area `load()` builds. Async methods load the area and then call it (their
 * errors, a bad argument included, arrive as the returned promise's rejection, as they would
 * from the area); `settle` receives the loaded area, so the handle can hand out the area itself
 * from then on. One load per stand-in: concurrent first calls share it, a failed load is tried
 * again on the next call.
 */
export function lazyArea<T extends object>(
  shape: LazyShape<NoInfer<T>>,
  load: () => Promise<T>,
  settle: (area: T) => void,
): T {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  const area = (): Promise<T> => {
    if (loaded) return Promise.resolve(loaded);
    loading ??= load().then(
      (value) => {
        loaded = value;
        settle(value);
        return value;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  const member = (a: T, name: PropertyKey): ((...args: unknown[]) => unknown) => {
    const fn = (a as Record<PropertyKey, unknown>)[name];
    if (typeof fn !== "function") throw new TypeError(`${shape.name}.${String(name)} is not a function`);
    return fn.bind(a) as (...args: unknown[]) => unknown;
  };
  const streams = new Set<PropertyKey>(shape.streams);
  const own = shape.own as Record<PropertyKey, unknown>;
  const pending = new Map<PropertyKey, unknown>();
  const bound = new Map<PropertyKey, unknown>();
  // Reached only before the load: afterwards every property is the area's own.
  const label = () => `${shape.name} (loads on first call)`;

  // A plain object as target: the stand-in is an Object (`instanceof Object`), as the area is.
  return new Proxy({} as T, {
    get(_, name) {
      if (loaded) {
        // Bound: the area's methods use private fields, which `this` = the stand-in lacks.
        const value = (loaded as Record<PropertyKey, unknown>)[name];
        if (typeof value !== "function") return value;
        let fn = bound.get(name);
        if (!fn) {
          fn = value.bind(loaded);
          bound.set(name, fn);
        }
        return fn;
      }
      if (Object.hasOwn(own, name)) return own[name];
      // Not a thenable (`await sandbox.filesystem` is the stand-in), and no guesses for symbols.
      if (name === "then" || typeof name === "symbol") {
        if (name === Symbol.for("nodejs.util.inspect.custom")) return label;
        if (name === Symbol.toStringTag) return shape.name;
        return undefined;
      }
      if (name === "toJSON" || name === "toString") return label;
      let fn = pending.get(name);
      if (!fn) {
        fn = streams.has(name)
          ? async function* (...args: unknown[]) {
              return yield* member(await area(), name)(...args) as AsyncIterable<unknown>;
            }
          : (...args: unknown[]) => area().then((a) => member(a, name)(...args));
        pending.set(name, fn);
      }
      return fn;
    },
    has(_, name) {
      return loaded ? name in loaded : Object.hasOwn(own, name) || streams.has(name);
    },
  });
}
