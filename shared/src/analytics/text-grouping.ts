/**
 * Common problems (共性问题) from case texts: cases whose words say the same
 * thing are linked and the links grouped, across places and time. The words
 * come in already segmented (the API segments with jieba); this module only
 * counts:
 *
 * 1. every document becomes a TF-IDF vector over its features (words, and
 *    the character pairs inside words, so 产权证 and 房产证 still share 产权);
 * 2. an inverted index over features that are not in too many documents
 *    finds, for each document, its most similar others (cosine of the
 *    vectors restricted to those features) without comparing all pairs;
 * 3. a pair is linked when text, category and distance together score above
 *    a threshold;
 * 4. linked documents are merged into groups by average linkage: strongest
 *    links first, two groups join only while the mean score over all their
 *    pairs (a missing link counts 0) stays above `averageScore` — one
 *    chance resemblance cannot chain two problems into one, as single
 *    linkage would;
 * 5. groups smaller than the minimum are dropped.
 */

export interface TextDocument {
  /** Segmented words of the text (stop words may be left in: they weigh little). */
  words: readonly string[];
  /** Four-digit category code, when known. */
  category?: string | null;
  /** Position in metres (a projected coordinate), when known. */
  x?: number | null;
  y?: number | null;
}

export interface GroupingOptions {
  /** Combined score at which two documents are linked (0.45). */
  linkScore?: number;
  /** Mean pair score two groups must keep to be merged (0.2). */
  averageScore?: number;
  /** Text cosine below which two documents are never linked, whatever else they share (0.25). */
  minimumText?: number;
  /** Weights of text, category and nearness in the combined score (0.75, 0.15, 0.10). */
  textWeight?: number;
  categoryWeight?: number;
  spaceWeight?: number;
  /** Nearness falls to 1/e at this distance (3,000 m). */
  spaceScaleMetres?: number;
  /** Features in more than this share of documents are not indexed (0.05; never below `minimumIndexedFrequency` documents). */
  maxDocumentShare?: number;
  minimumIndexedFrequency?: number;
  /** Candidates scored per document, the most similar first (200): near-copies of an everyday complaint must not crowd out the rest. */
  neighbours?: number;
  /** Smallest group reported (3). */
  minimumGroupSize?: number;
}

export interface TextGroup {
  /** Indices of the member documents, ascending. */
  members: number[];
  /** The member most like the others (medoid by text). */
  representative: number;
  /** Mean text similarity of members to the representative. */
  cohesion: number;
  /** The features that weigh most across the members. */
  keywords: string[];
}

export interface GroupingResult {
  groups: TextGroup[];
  /** Linked pairs considered, for the record. */
  links: number;
  features: number;
}

const DEFAULTS: Required<GroupingOptions> = {
  linkScore: 0.45,
  averageScore: 0.2,
  minimumText: 0.25,
  textWeight: 0.75,
  categoryWeight: 0.15,
  spaceWeight: 0.1,
  spaceScaleMetres: 3000,
  maxDocumentShare: 0.05,
  minimumIndexedFrequency: 200,
  neighbours: 200,
  minimumGroupSize: 3,
};

const CJK = /\p{Script=Han}/u;

/** Words and, for words of three or more Han characters, their character pairs. */
export function featuresOf(words: readonly string[]): string[] {
  const features: string[] = [];
  for (const raw of words) {
    const word = raw.trim().toLowerCase();
    if (!word || !/[\p{L}\p{N}]/u.test(word)) continue;
    features.push(word);
    const characters = [...word];
    if (characters.length >= 3 && CJK.test(word)) {
      for (let index = 0; index + 1 < characters.length; index++) features.push(`~${characters[index]}${characters[index + 1]}`);
    }
  }
  return features;
}

/** Sparse unit vectors: parallel arrays of feature ids (ascending) and weights. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

export interface TfIdfModel {
  vectors: SparseVector[];
  /** Documents each feature occurs in. */
  documentFrequency: Int32Array;
  vocabulary: string[];
}

/**
 * TF-IDF with sublinear term frequency (1 + ln tf) and smoothed idf
 * ln((1 + N)/(1 + df)) + 1, L2-normalised. `copies[i]` says how many
 * documents document i stands for (1 by default), for N and df.
 */
export function tfIdf(documents: readonly (readonly string[])[], copies?: readonly number[]): TfIdfModel {
  const ids = new Map<string, number>();
  const vocabulary: string[] = [];
  const counted = documents.map((features) => {
    const counts = new Map<number, number>();
    for (const feature of features) {
      let id = ids.get(feature);
      if (id === undefined) {
        id = vocabulary.length;
        ids.set(feature, id);
        vocabulary.push(feature);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  });
  const documentFrequency = new Int32Array(vocabulary.length);
  counted.forEach((counts, index) => {
    for (const id of counts.keys()) documentFrequency[id]! += copies?.[index] ?? 1;
  });
  const n = copies ? copies.reduce((sum, count) => sum + count, 0) : documents.length;
  const vectors = counted.map((counts) => {
    const entries = [...counts.entries()].sort((a, b) => a[0] - b[0]);
    const weights = new Float64Array(entries.length);
    let norm = 0;
    entries.forEach(([id, count], index) => {
      const weight = (1 + Math.log(count)) * (Math.log((1 + n) / (1 + documentFrequency[id]!)) + 1);
      weights[index] = weight;
      norm += weight * weight;
    });
    norm = Math.sqrt(norm);
    if (norm > 0) for (let index = 0; index < weights.length; index++) weights[index]! /= norm;
    return { ids: Int32Array.from(entries.map(([id]) => id)), weights };
  });
  return { vectors, documentFrequency, vocabulary };
}

/** Cosine of two unit sparse vectors. */
export function cosine(left: SparseVector, right: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < left.ids.length && j < right.ids.length) {
    const a = left.ids[i]!;
    const b = right.ids[j]!;
    if (a === b) dot += left.weights[i++]! * right.weights[j++]!;
    else if (a < b) i++;
    else j++;
  }
  return dot;
}

/** Disjoint sets with path halving and union by size. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  constructor(count: number) {
    this.parent = Int32Array.from({ length: count }, (_, index) => index);
    this.size = new Int32Array(count).fill(1);
  }
  find(item: number): number {
    let current = item;
    while (this.parent[current] !== current) {
      this.parent[current] = this.parent[this.parent[current]!]!;
      current = this.parent[current]!;
    }
    return current;
  }
  union(left: number, right: number): void {
    let a = this.find(left);
    let b = this.find(right);
    if (a === b) return;
    if (this.size[a]! < this.size[b]!) [a, b] = [b, a];
    this.parent[b] = a;
    this.size[a]! += this.size[b]!;
  }
}

/** 1 for the same subcategory, 0.5 for the same group (first two digits), else 0. */
export function categoryAffinity(left: string | null | undefined, right: string | null | undefined): number {
  if (!left || !right) return 0;
  if (left === right) return 1;
  return left.slice(0, 2) === right.slice(0, 2) ? 0.5 : 0;
}

/** exp(−distance / scale); 0 when either position is unknown. */
export function nearness(left: TextDocument, right: TextDocument, scaleMetres: number): number {
  if (left.x == null || left.y == null || right.x == null || right.y == null) return 0;
  return Math.exp(-Math.hypot(left.x - right.x, left.y - right.y) / scaleMetres);
}

export function groupTexts(documents: readonly TextDocument[], options: GroupingOptions = {}): GroupingResult {
  const settings = { ...DEFAULTS, ...options };
  // Documents with the same features and category are one node (weighted by how many they are): everyday
  // complaints repeat word for word, and comparing copies with each other tells nothing.
  const nodeOf = new Map<string, number>();
  const nodes: { first: number; members: number[]; features: string[] }[] = [];
  documents.forEach((document, index) => {
    const features = featuresOf(document.words);
    const key = `${[...features].sort().join(' ')}|${document.category ?? ''}`;
    const node = nodeOf.get(key);
    if (node === undefined) {
      nodeOf.set(key, nodes.length);
      nodes.push({ first: index, members: [index], features });
    } else nodes[node]!.members.push(index);
  });
  const n = nodes.length;
  const model = tfIdf(
    nodes.map((node) => node.features),
    nodes.map((node) => node.members.length),
  );
  const { vectors, documentFrequency, vocabulary } = model;
  const documentAt = (node: number) => documents[nodes[node]!.first]!;

  // Inverted index over the features that are informative enough.
  const cap = Math.max(settings.minimumIndexedFrequency, Math.ceil(settings.maxDocumentShare * documents.length));
  const postingStart = new Int32Array(vocabulary.length + 1);
  for (let id = 0; id < vocabulary.length; id++) {
    postingStart[id + 1] = postingStart[id]! + (documentFrequency[id]! <= cap ? documentFrequency[id]! : 0);
  }
  const postingDocument = new Int32Array(postingStart[vocabulary.length]!);
  const postingWeight = new Float64Array(postingStart[vocabulary.length]!);
  const fill = postingStart.slice(0, vocabulary.length);
  vectors.forEach((vector, node) => {
    for (let index = 0; index < vector.ids.length; index++) {
      const id = vector.ids[index]!;
      if (documentFrequency[id]! > cap) continue;
      postingDocument[fill[id]!] = node;
      postingWeight[fill[id]!++] = vector.weights[index]!;
    }
  });

  const edges: { left: number; right: number; score: number }[] = [];
  const accumulator = new Float64Array(n);
  const touched: number[] = [];
  for (let node = 0; node < n; node++) {
    const vector = vectors[node]!;
    for (let index = 0; index < vector.ids.length; index++) {
      const id = vector.ids[index]!;
      const weight = vector.weights[index]!;
      for (let posting = postingStart[id]!; posting < postingStart[id + 1]!; posting++) {
        const other = postingDocument[posting]!;
        // Each pair once: only look forward.
        if (other <= node) continue;
        if (accumulator[other] === 0) touched.push(other);
        accumulator[other]! += weight * postingWeight[posting]!;
      }
    }
    let candidates = touched.filter((other) => accumulator[other]! >= settings.minimumText);
    if (candidates.length > settings.neighbours) {
      candidates = candidates.sort((a, b) => accumulator[b]! - accumulator[a]! || a - b).slice(0, settings.neighbours);
    }
    for (const other of candidates) {
      const score =
        settings.textWeight * accumulator[other]! +
        settings.categoryWeight * categoryAffinity(documentAt(node).category, documentAt(other).category) +
        settings.spaceWeight * nearness(documentAt(node), documentAt(other), settings.spaceScaleMetres);
      if (score >= settings.averageScore) edges.push({ left: node, right: other, score });
    }
    for (const other of touched) accumulator[other] = 0;
    touched.length = 0;
  }
  const sets = averageLinkage(
    nodes.map((node) => node.members.length),
    edges,
    settings.linkScore,
    settings.averageScore,
  );
  const links = edges.filter((edge) => edge.score >= settings.linkScore).length;

  const byRoot = new Map<number, number[]>();
  for (let node = 0; node < n; node++) {
    const root = sets.find(node);
    const members = byRoot.get(root);
    if (members) members.push(node);
    else byRoot.set(root, [node]);
  }
  const groups = [...byRoot.values()]
    .filter((group) => group.reduce((sum, node) => sum + nodes[node]!.members.length, 0) >= settings.minimumGroupSize)
    .map((group) => {
      const described = describeGroup(group, model, nodes);
      return {
        ...described,
        members: group.flatMap((node) => nodes[node]!.members).sort((a, b) => a - b),
        representative: nodes[described.representative]!.first,
      };
    })
    .sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!);
  return { groups, links, features: vocabulary.length };
}

/**
 * Average linkage over a sparse graph of weighted nodes (a node stands for
 * `weights[i]` identical documents): edges strongest first; two groups join
 * once an edge of at least `linkScore` joins them and the sum of the scores
 * between their documents, over the product of their sizes (pairs with no
 * edge count 0), is at least `averageScore`.
 */
export function averageLinkage(
  weights: readonly number[],
  edges: { left: number; right: number; score: number }[],
  linkScore: number,
  averageScore: number,
): UnionFind {
  const count = weights.length;
  const sets = new UnionFind(count);
  const size = Float64Array.from(weights);
  // Between a group (by root) and each group it touches: the sum of edge scores, and whether one reached linkScore.
  type Between = { sum: number; strong: boolean };
  const between: (Map<number, Between> | undefined)[] = new Array(count);
  const add = (a: number, b: number, sum: number, strong: boolean) => {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const map = (between[from] ??= new Map());
      const current = map.get(to);
      if (current) {
        current.sum += sum;
        current.strong ||= strong;
      } else map.set(to, { sum, strong });
    }
  };
  edges.sort((x, y) => y.score - x.score || x.left - y.left || x.right - y.right);
  for (const edge of edges) {
    const a = sets.find(edge.left);
    const b = sets.find(edge.right);
    if (a === b) continue;
    add(a, b, edge.score * weights[edge.left]! * weights[edge.right]!, edge.score >= linkScore);
    const pair = between[a]!.get(b)!;
    if (!pair.strong || pair.sum / (size[a]! * size[b]!) < averageScore) continue;
    sets.union(a, b);
    const root = sets.find(a);
    const gone = root === a ? b : a;
    size[root] = size[a]! + size[b]!;
    // The joined group's sums: those of both parts, towards every other group.
    for (const [other, value] of between[gone] ?? []) {
      between[other]!.delete(gone);
      if (other !== root) add(root, other, value.sum, value.strong);
    }
    between[root]?.delete(gone);
    between[gone] = undefined;
  }
  return sets;
}

/** The medoid (on at most 200 members, evenly spaced, for very large groups), cohesion and keywords of a group. */
function describeGroup(members: number[], model: TfIdfModel, nodes: readonly { members: number[] }[]): TextGroup {
  const step = Math.max(1, Math.floor(members.length / 200));
  const sample = members.filter((_, index) => index % step === 0);
  let representative = members[0]!;
  let best = -1;
  for (const candidate of sample) {
    let total = 0;
    for (const other of sample) if (other !== candidate) total += cosine(model.vectors[candidate]!, model.vectors[other]!);
    if (total > best) {
      best = total;
      representative = candidate;
    }
  }
  const others = members.filter((member) => member !== representative);
  const cohesion =
    others.length === 0
      ? 1
      : others.reduce((sum, member) => sum + cosine(model.vectors[representative]!, model.vectors[member]!), 0) / others.length;
  const weight = new Map<number, number>();
  for (const member of members) {
    const vector = model.vectors[member]!;
    const copies = nodes[member]!.members.length;
    for (let index = 0; index < vector.ids.length; index++) {
      const id = vector.ids[index]!;
      if (model.vocabulary[id]!.startsWith('~')) continue;
      weight.set(id, (weight.get(id) ?? 0) + copies * vector.weights[index]!);
    }
  }
  const keywords = [...weight.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 6)
    .map(([id]) => model.vocabulary[id]!);
  return { members, representative, cohesion, keywords };
}

export interface GroupAgreement {
  /** Size of the planted group. */
  planted: number;
  /** Size of the found group that holds most of it (0 when none does). */
  found: number;
  /** Members of the planted group in that found group. */
  overlap: number;
  precision: number;
  recall: number;
}

/**
 * How well found groups recover planted ones: for each planted group, the
 * found group sharing most members with it; precision = overlap / found size,
 * recall = overlap / planted size. Macro averages over the planted groups.
 */
export function groupingAgreement(
  found: readonly (readonly number[])[],
  planted: readonly (readonly number[])[],
): { groups: GroupAgreement[]; precision: number; recall: number } {
  const groupOf = new Map<number, number>();
  found.forEach((members, index) => members.forEach((member) => groupOf.set(member, index)));
  const groups = planted.map((members): GroupAgreement => {
    const overlaps = new Map<number, number>();
    for (const member of members) {
      const group = groupOf.get(member);
      if (group !== undefined) overlaps.set(group, (overlaps.get(group) ?? 0) + 1);
    }
    let bestGroup = -1;
    let overlap = 0;
    for (const [group, count] of overlaps) {
      if (count > overlap || (count === overlap && group < bestGroup)) {
        bestGroup = group;
        overlap = count;
      }
    }
    const foundSize = bestGroup >= 0 ? found[bestGroup]!.length : 0;
    return {
      planted: members.length,
      found: foundSize,
      overlap,
      precision: foundSize > 0 ? overlap / foundSize : 0,
      recall: members.length > 0 ? overlap / members.length : 0,
    };
  });
  const mean = (pick: (group: GroupAgreement) => number) =>
    groups.length === 0 ? 0 : groups.reduce((sum, group) => sum + pick(group), 0) / groups.length;
  return { groups, precision: mean((group) => group.precision), recall: mean((group) => group.recall) };
}
