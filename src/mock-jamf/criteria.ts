// Smart-group criteria for display only: the mock keeps membership explicit and never evaluates them.

import type { MockGroup } from './types.js';

export interface Criterion {
  name: string;
  priority: number;
  andOr: string;
  searchType: string;
  value: string;
}

export function criteriaFor(g: MockGroup): Criterion[] {
  return g.smart ? [{ name: 'Smart Group', priority: 0, andOr: 'and', searchType: 'member of', value: g.name }] : [];
}
