import { describe, expect, test } from 'vitest';
import { navigationFor } from './router.ts';

describe('the header navigation', () => {
  test('administrators see the import wizard; others and visitors do not', () => {
    const names = (role: Parameters<typeof navigationFor>[0]) => navigationFor(role).map((entry) => entry.name);
    expect(names('administrator')).toContain('import');
    expect(names('dispatcher')).not.toContain('import');
    expect(names(null)).not.toContain('import');
    expect(names(null)).toEqual(['map', 'wall', 'planner', 'hotspots', 'assessment', 'desk', 'mobile', 'track']);
  });
});
