/**
 * The standard normal distribution, for turning z-scores into p-values.
 * erfc by the Chebyshev fit of Numerical Recipes (erfcc): fractional error
 * below 1.2e-7 everywhere, which is far finer than the 0.01 / 0.05 / 0.10
 * thresholds anyone reads.
 */

/** The complementary error function erfc(x) = 1 − erf(x). */
export function complementaryErrorFunction(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const answer =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? answer : 2 - answer;
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCumulative(z: number): number {
  return 0.5 * complementaryErrorFunction(-z / Math.SQRT2);
}

/** The two-sided p-value of a z-score: P(|Z| ≥ |z|). */
export function twoSidedPValue(z: number): number {
  return Math.min(1, complementaryErrorFunction(Math.abs(z) / Math.SQRT2));
}
