import {
  erfc,
  logGamma,
  normalCdf,
  normalTwoSidedP,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTTwoSidedP,
} from './distributions';

/** Relative closeness, for tail probabilities that span many orders of magnitude. */
function expectRel(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}

describe('logGamma', () => {
  it('matches exact values and SciPy gammaln', () => {
    expectRel(logGamma(0.5), 0.5 * Math.log(Math.PI)); // Gamma(1/2) = sqrt(pi)
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
    expectRel(logGamma(6), Math.log(120)); // 5!
    expectRel(logGamma(3.7), 1.428072326665388); // scipy.special.gammaln(3.7)
    expectRel(logGamma(10.5), 13.940625219403763);
    expectRel(logGamma(100.25), 360.28455963776423);
    expectRel(logGamma(0.1), Math.log(9.513507698668732)); // Gamma(0.1), reflection branch
  });
});

describe('regularized incomplete beta', () => {
  it('matches closed forms and SciPy betainc', () => {
    // I_0.3(2, 3) = sum_{j=2}^{4} C(4,j) 0.3^j 0.7^(4-j) = 0.2646 + 0.0756 + 0.0081 = 0.3483
    expectRel(regularizedBeta(0.3, 2, 3), 0.3483);
    // I_x(1/2, 1/2) = (2/pi) asin(sqrt x)
    expectRel(regularizedBeta(0.9, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(0.9)));
    expectRel(regularizedBeta(0.9, 0.5, 0.5), 0.7951672353008665);
    expectRel(regularizedBeta(0.01, 5, 0.5), 2.4712578086395438e-11, 1e-10);
    expectRel(regularizedBeta(0.7, 20, 30), 0.9999940562474147);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedBeta(1.5, 2, 3)).toThrow(RangeError);
    expect(() => regularizedBeta(0.5, 0, 3)).toThrow(RangeError);
  });
});

describe('regularized incomplete gamma and erfc', () => {
  it('matches SciPy gammainc / gammaincc / erfc', () => {
    expectRel(regularizedGammaP(0.5, 0.1), 0.34527915398142317);
    expectRel(regularizedGammaQ(0.5, 0.1), 0.6547208460185768);
    expectRel(regularizedGammaP(3, 2.5), 0.45618688411667035);
    // Q(3, x) = e^-x (1 + x + x^2/2)
    expectRel(regularizedGammaQ(3, 2.5), Math.exp(-2.5) * (1 + 2.5 + 3.125));
    expectRel(regularizedGammaQ(10, 15), 0.06985366069940986);
    expectRel(regularizedGammaQ(0.5, 30), 9.485737571073857e-15, 1e-10);
    expectRel(erfc(0.5), 0.4795001221869535);
    expectRel(erfc(2), 0.004677734981047266);
    expectRel(erfc(6), 2.1519736712498913e-17, 1e-10);
    expectRel(erfc(-1), 1.8427007929497148);
    expect(erfc(0)).toBe(1);
  });
});

describe('normal distribution', () => {
  it('matches table values and SciPy norm', () => {
    expect(normalCdf(0)).toBe(0.5);
    expectRel(normalCdf(1), 0.8413447460685429);
    expectRel(normalCdf(1.959963984540054), 0.975);
    expectRel(normalCdf(-2.5), 0.006209665325776132);
    expectRel(normalCdf(-0.3), 0.3820885778110474);
    expectRel(normalTwoSidedP(1), 0.31731050786291415);
    expectRel(normalTwoSidedP(-1.959963984540054), 0.05);
    expectRel(normalTwoSidedP(5), 5.733031437583866e-7, 1e-10);
    expectRel(normalTwoSidedP(8), 1.244192114854348e-15, 1e-10);
    expect(normalTwoSidedP(0)).toBe(1);
  });
});

describe('Student t distribution', () => {
  it('reproduces textbook critical values', () => {
    // two-sided 5% critical values: t(10) = 2.228139, t(30) = 2.042272, t(1) = 12.706205
    expectRel(studentTTwoSidedP(2.228138851986274, 10), 0.05, 1e-11);
    expectRel(studentTTwoSidedP(2.0422724563012378, 30), 0.05, 1e-11);
    expectRel(studentTTwoSidedP(12.706204736174694, 1), 0.05, 1e-11);
    expectRel(studentTCdf(2.228138851986274, 10), 0.975);
  });

  it('matches closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [0.1, 1, 3, 50]) {
      expectRel(studentTTwoSidedP(t, 1), 1 - (2 / Math.PI) * Math.atan(t)); // Cauchy
      expectRel(studentTTwoSidedP(t, 2), 1 - t / Math.sqrt(2 + t * t));
    }
  });

  it('matches SciPy stats.t', () => {
    expectRel(studentTTwoSidedP(2, 5), 0.10193947882985835);
    expectRel(studentTCdf(2, 5), 0.9490302605850708);
    expectRel(studentTTwoSidedP(-3.5, 3.7), 0.02825098689418837);
    expectRel(studentTCdf(-3.5, 3.7), 0.014125493447094186);
    expectRel(studentTTwoSidedP(0.5, 30), 0.6207230048851272);
    expectRel(studentTTwoSidedP(12, 4), 0.000276428548502973, 1e-10);
    expectRel(studentTTwoSidedP(40, 20), 1.457469655431075e-20, 1e-9);
    expectRel(studentTTwoSidedP(1.959963984540054, 1e6), 0.0500002772952217, 1e-9);
  });

  it('handles the limits', () => {
    expect(studentTTwoSidedP(0, 7)).toBe(1);
    expect(studentTTwoSidedP(Number.POSITIVE_INFINITY, 7)).toBe(0);
    expect(studentTTwoSidedP(Number.NaN, 7)).toBeNaN();
    expectRel(studentTTwoSidedP(1.959963984540054, Number.POSITIVE_INFINITY), 0.05);
    expect(() => studentTTwoSidedP(1, 0)).toThrow(RangeError);
  });
});
