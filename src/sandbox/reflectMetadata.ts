// @peculiar/x509 depends on tsyringe, which refuses to load without the Reflect metadata API (normally the
// `reflect-metadata` package, which this project does not install). This module provides the small subset
// TypeScript's emitted decorator metadata and tsyringe use; import it before '@peculiar/x509'.

type Key = string | symbol;
type Target = object;

const store = new WeakMap<Target, Map<Key | undefined, Map<unknown, unknown>>>();

function own(target: Target, property: Key | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

interface ReflectMetadataApi {
  defineMetadata(key: unknown, value: unknown, target: Target, property?: Key): void;
  getOwnMetadata(key: unknown, target: Target, property?: Key): unknown;
  getMetadata(key: unknown, target: Target, property?: Key): unknown;
  hasMetadata(key: unknown, target: Target, property?: Key): boolean;
  metadata(key: unknown, value: unknown): (target: Target, property?: Key) => void;
}

const api: ReflectMetadataApi = {
  defineMetadata(key, value, target, property) {
    own(target, property, true)?.set(key, value);
  },
  getOwnMetadata(key, target, property) {
    return own(target, property, false)?.get(key);
  },
  getMetadata(key, target, property) {
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
      const entries = own(t, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  },
  hasMetadata(key, target, property) {
    return api.getMetadata(key, target, property) !== undefined;
  },
  metadata(key, value) {
    return (target, property) => api.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Partial<ReflectMetadataApi>;
if (typeof reflect.getMetadata !== 'function') Object.assign(Reflect, api);
