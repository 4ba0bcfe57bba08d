import { attributeQuestion } from '../kinds.js';
import { COLOUR_NAMES } from '../vocabulary.js';

/** The colour of an object named by its shape (and pattern when the shape alone is not unique). */
export const colour = attributeQuestion({
  id: 'colour',
  description: 'the colour of an object named by its shape, or its pattern and shape (4 options)',
  answers: COLOUR_NAMES,
  phrasings: [(x) => `What colour is the ${x}?`, (x) => `Which colour does the ${x} have?`, (x) => `The ${x} in the image is what colour?`],
  names: [(o) => o.shape, (o) => `${o.pattern} ${o.shape}`],
  attribute: (o) => o.colour,
  options: 4,
});
