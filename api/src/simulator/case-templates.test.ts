import { describe, expect, test } from 'vitest';
import { DEFAULT_TAXONOMY } from '@minqing/shared';
import { CASE_TEMPLATES, draftCase } from './case-templates.ts';
import { seededRandom } from './patrol-route.ts';

describe('simulated requests', () => {
  test('every template files under a subcategory of the default taxonomy', () => {
    const leaves = new Set(DEFAULT_TAXONOMY.filter((entry) => entry.code.length === 4).map((entry) => entry.code));
    for (const template of CASE_TEMPLATES) expect(leaves.has(template.categoryCode), template.categoryCode).toBe(true);
  });

  test('drafts read as Chinese requests about the place, some urgent, patrol ones from grid workers', () => {
    const random = seededRandom(1);
    const drafts = Array.from({ length: 400 }, () => draftCase(random, '石碾村', false));
    expect(drafts.every((draft) => draft.description.includes('石碾村') && !draft.title.includes('{'))).toBe(true);
    expect(drafts.some((draft) => draft.urgency === 'urgent')).toBe(true);
    expect(drafts.filter((draft) => draft.urgency === 'urgent').length).toBeLessThan(drafts.length / 3);
    const patrol = draftCase(random, '凤仙路社区', true);
    expect(patrol.channel).toBe('patrol');
    expect(CASE_TEMPLATES.find((template) => template.categoryCode === patrol.categoryCode)!.patrol).toBe(true);
  });
});
