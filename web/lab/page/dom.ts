// Small DOM helpers: typed element lookup and element creation.

/** The element with this id, of the expected type; a clear error when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`lab page: no element #${id}`);
  if (type && !(el instanceof type)) throw new Error(`lab page: #${id} is not a ${type.name}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<'className' | 'textContent' | 'title', string>> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) e.append(c);
  return e;
}

/** A number with a sensible number of digits for the panels. */
export function fmt(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits);
}

export function fmtBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${b} B`;
}
