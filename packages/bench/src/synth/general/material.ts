import { attributeQuestion } from '../kinds.js';
import { PATTERN_NAMES } from '../vocabulary.js';

/** The surface pattern (the renderer's material) of an object named by its colour and shape. */
export const material = attributeQuestion({
  id: 'material',
  description: 'the surface pattern (striped, dotted, checkered, plain) of an object named by colour and shape',
  answers: PATTERN_NAMES,
  phrasings: [(x) => `What pattern is on the surface of the ${x}?`, (x) => `Which surface pattern does the ${x} have?`, (x) => `How is the ${x} patterned?`],
  names: [(o) => `${o.colour} ${o.shape}`],
  attribute: (o) => o.pattern,
  options: 4,
});
