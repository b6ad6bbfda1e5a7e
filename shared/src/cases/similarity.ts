/**
 * How alike two complaint texts are, for spotting a request raised twice.
 * Chinese has no spaces, so texts are compared as bags of character bigrams
 * (相邻两字), cosine-weighted: robust to word order and small rewordings, and
 * needing no dictionary. Digits and Latin words count as single tokens.
 */
const PUNCTUATION = /[\s\p{P}\p{S}]+/gu;

export function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const chunks = text.toLowerCase().split(PUNCTUATION).filter(Boolean);
  for (const chunk of chunks) {
    const tokens = chunk.match(/[a-z0-9]+|./gu) ?? [];
    if (tokens.length === 1) counts.set(tokens[0]!, (counts.get(tokens[0]!) ?? 0) + 1);
    for (let index = 0; index + 1 < tokens.length; index++) {
      const gram = tokens[index]! + tokens[index + 1]!;
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** Cosine similarity of the bigram bags, 0 (nothing shared) to 1 (same text). */
export function textSimilarity(left: string, right: string): number {
  const a = bigrams(left);
  const b = bigrams(right);
  if (a.size === 0 || b.size === 0) return 0;
  let dot = 0;
  for (const [gram, count] of a) dot += count * (b.get(gram) ?? 0);
  const norm = (bag: Map<string, number>) => Math.sqrt([...bag.values()].reduce((sum, count) => sum + count * count, 0));
  return dot / (norm(a) * norm(b));
}
