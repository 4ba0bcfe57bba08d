import { checkNumber } from './validate.js';

/** A KL coefficient β that may change with the observed KL (verl / EasyR1 `KLController`). */
export interface KlController {
  /** The current coefficient β ≥ 0. */
  readonly value: number;
  /** Feeds the KL measured on the last batch and the number of samples it covered. */
  update(currentKl: number, nSteps: number): void;
}

/** Options of {@link createAdaptiveKlController}. */
export interface AdaptiveKlOptions {
  /** Starting β ≥ 0. */
  initKlCoef: number;
  /** KL the controller steers towards, > 0 (nats per token). */
  targetKl: number;
  /** Samples over which a full ±20 % correction is applied, > 0. */
  horizon: number;
}

/** A controller whose β never changes; `update` validates its arguments and ignores them. */
export function createFixedKlController(coef: number): KlController {
  const value = checkNumber('coef', coef, { min: 0 });
  return {
    get value() {
      return value;
    },
    update(currentKl: number, nSteps: number) {
      checkNumber('currentKl', currentKl);
      checkNumber('nSteps', nSteps, { min: 0 });
    },
  };
}

/**
 * Adaptive controller of Ziegler et al. 2019 as in verl / EasyR1 `AdaptiveKLController`:
 * `β ← β · (1 + clip(kl/target − 1, −0.2, 0.2) · nSteps/horizon)`.
 */
export function createAdaptiveKlController(options: AdaptiveKlOptions): KlController {
  let value = checkNumber('initKlCoef', options.initKlCoef, { min: 0 });
  const target = checkNumber('targetKl', options.targetKl, { min: 0, minExclusive: true });
  const horizon = checkNumber('horizon', options.horizon, { min: 0, minExclusive: true });
  return {
    get value() {
      return value;
    },
    update(currentKl: number, nSteps: number) {
      checkNumber('currentKl', currentKl);
      checkNumber('nSteps', nSteps, { min: 0 });
      const error = Math.min(Math.max(currentKl / target - 1, -0.2), 0.2);
      value *= 1 + (error * nSteps) / horizon;
    },
  };
}
