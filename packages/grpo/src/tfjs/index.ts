export { stopGradient } from './stop-gradient.js';
export {
  policyLossTf,
  averageLossTf,
  type PolicyLossTfInput,
  type PolicyLossTfMetrics,
  type PolicyLossTfResult,
} from './policy-loss-tf.js';
export { klPenaltyTf, fullKlTf, type KlPenaltyTfInput, type FullKlTfInput } from './kl-tf.js';
