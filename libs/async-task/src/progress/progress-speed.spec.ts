import { computeSpeed } from './progress-speed.js';

describe('computeSpeed', () => {
  it('divides the progress by the real elapsed time, without integer steps', () => {
    expect(computeSpeed({ loaded: 0, at: 1000 }, { loaded: 1500, at: 2234.5 })).toBeCloseTo(1500 / 1.2345, 9);
    expect(computeSpeed({ loaded: 10, at: 0 }, { loaded: 11, at: 3 })).toBeCloseTo(333.333333, 5);
    expect(computeSpeed({ loaded: 0, at: 0 }, { loaded: 999, at: 1000 })).toBe(999);
  });

  it('keeps fractions of a unit per second', () => {
    expect(computeSpeed({ loaded: 0, at: 0 }, { loaded: 1, at: 4000 })).toBe(0.25);
  });

  it('reports 0 when nothing moved, no time passed, or the count went back', () => {
    expect(computeSpeed({ loaded: 5, at: 0 }, { loaded: 5, at: 1000 })).toBe(0);
    expect(computeSpeed({ loaded: 5, at: 100 }, { loaded: 50, at: 100 })).toBe(0);
    expect(computeSpeed({ loaded: 50, at: 0 }, { loaded: 5, at: 1000 })).toBe(0);
    expect(computeSpeed({ loaded: 0, at: 0 }, { loaded: Number.NaN, at: 1000 })).toBe(0);
  });
});
