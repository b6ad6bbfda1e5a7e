/**
 * Type-to-filter over the two-level taxonomy for the intake form: a hotline
 * operator types a few characters of the name (排水), the pinyin initials
 * (ps, psyxsd), a keyword residents use (下水道, 堵), or the code (0401), and
 * picks with the arrow keys. Keywords come from the default taxonomy in
 * shared, matched by code; a deployment's own categories still match by name.
 */
import { DEFAULT_TAXONOMY } from '@minqing/shared';

export interface CategoryChoice {
  code: string;
  name: string;
  nameEn: string;
  groupCode: string;
  groupName: string;
  groupNameEn: string;
  keywords: readonly string[];
  /** Pinyin initials of the name, lower case: 排水与下水道 → psyxsd. */
  initials: string;
}

interface CategoryNode {
  code: string;
  name: string;
  nameEn: string;
  active: boolean;
  /** The deployment's keywords (the API sends them); the default taxonomy's are used when absent. */
  keywords?: readonly string[];
  children?: readonly CategoryNode[];
}

// First characters of each initial in the zh-CN pinyin collation order: a
// character's initial is the letter of the last boundary that sorts before it.
const INITIAL_LETTERS = 'abcdefghjklmnopqrstwxyz';
const INITIAL_BOUNDARIES = '阿八嚓哒妸发旮哈讥咔垃妈拏噢妑七呥扨它穵夕丫帀';
const HAN = /\p{Script=Han}/u;
let collator: Intl.Collator | null = null;

/** Pinyin initials of a text (Han characters by the pinyin collation; letters and digits kept). */
export function pinyinInitials(text: string): string {
  collator ??= new Intl.Collator('zh-CN-u-co-pinyin');
  let initials = '';
  for (const character of text) {
    if (HAN.test(character)) {
      let letter = '';
      for (let index = 0; index < INITIAL_BOUNDARIES.length; index += 1) {
        if (collator.compare(INITIAL_BOUNDARIES[index]!, character) <= 0) letter = INITIAL_LETTERS[index]!;
        else break;
      }
      initials += letter;
    } else if (/[a-z0-9]/i.test(character)) {
      initials += character.toLowerCase();
    }
  }
  return initials;
}

const KEYWORDS = new Map(DEFAULT_TAXONOMY.map((entry) => [entry.code, entry.keywords ?? []]));

/** The subcategories a case can be filed under (active ones), each with its group. */
export function categoryChoices(groups: readonly CategoryNode[]): CategoryChoice[] {
  return groups
    .filter((group) => group.active)
    .flatMap((group) =>
      (group.children ?? [])
        .filter((child) => child.active)
        .map((child) => ({
          code: child.code,
          name: child.name,
          nameEn: child.nameEn,
          groupCode: group.code,
          groupName: group.name,
          groupNameEn: group.nameEn,
          keywords: child.keywords ?? KEYWORDS.get(child.code) ?? [],
          initials: pinyinInitials(child.name),
        })),
    );
}

/** How well a choice matches a query: lower is better; null when it does not match. */
export function matchRank(choice: CategoryChoice, query: string): number | null {
  const text = query.trim().toLowerCase();
  if (!text) return 50;
  if (choice.code === text) return 0;
  if (choice.name === text) return 1;
  if (choice.name.startsWith(text)) return 2;
  if (choice.name.includes(text)) return 3;
  if (/^[a-z]+$/.test(text) && choice.initials.startsWith(text)) return 4;
  if (choice.keywords.some((keyword) => keyword === text)) return 5;
  if (choice.keywords.some((keyword) => keyword.includes(text) || (text.length >= 2 && text.includes(keyword)))) return 6;
  if (choice.groupName.includes(text)) return 7;
  if (choice.code.startsWith(text)) return 8;
  if (text.length >= 3 && choice.nameEn.toLowerCase().includes(text)) return 9;
  if (/^[a-z]{2,}$/.test(text) && choice.initials.includes(text)) return 10;
  return null;
}

/** The choices that match, best first (taxonomy order among equals). */
export function filterCategories(choices: readonly CategoryChoice[], query: string): CategoryChoice[] {
  return choices
    .map((choice, index) => ({ choice, index, rank: matchRank(choice, query) }))
    .filter((entry): entry is { choice: CategoryChoice; index: number; rank: number } => entry.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.choice);
}
