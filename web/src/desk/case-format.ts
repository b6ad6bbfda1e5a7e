/** Small words about a case that several desk screens show the same way. */

export interface PlacedCase {
  town: { name: string } | null;
  village: { name: string } | null;
  address: string | null;
}

/** 分水镇 石碾村, else the address as given, else a dash. */
export function casePlace(item: PlacedCase): string {
  const regions = [item.town?.name, item.village?.name].filter((name): name is string => Boolean(name));
  if (regions.length) return regions.join(' ');
  return item.address?.trim() || '—';
}

export interface TransitionParts<State extends string> {
  fromState: State | null;
  toState: State | null;
  fromUnit: string | null;
  toUnit: string | null;
  actorUnit?: string | null;
}

/**
 * What moved in one timeline entry: the state (待签收 → 已签收) and the unit
 * (石碾村便民服务站 → 分水镇便民服务中心), each only when it changed. A unit
 * acting on its own case (signing for it) moves nothing.
 */
export function transition<State extends string>(
  event: TransitionParts<State>,
  stateName: (state: State) => string,
): { states: string | null; units: string | null } {
  const states =
    event.toState && event.fromState !== event.toState
      ? event.fromState
        ? `${stateName(event.fromState)} → ${stateName(event.toState)}`
        : stateName(event.toState)
      : null;
  let units: string | null = null;
  if (event.toUnit && event.fromUnit && event.fromUnit !== event.toUnit) units = `${event.fromUnit} → ${event.toUnit}`;
  else if (event.toUnit && !event.fromUnit && event.toUnit !== event.actorUnit) units = event.toUnit;
  return { states, units };
}
