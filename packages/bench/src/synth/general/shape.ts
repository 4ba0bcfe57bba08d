import { attributeQuestion } from '../kinds.js';
import { SHAPE_NAMES } from '../vocabulary.js';

/** The shape of an object named by its colour (and pattern when the colour alone is not unique). */
export const shape = attributeQuestion({
  id: 'shape',
  description: 'the shape of an object named by its colour, or its pattern and colour (4 options)',
  answers: SHAPE_NAMES,
  phrasings: [(x) => `What shape is the ${x}?`, (x) => `Which shape does the ${x} have?`, (x) => `What is the shape of the ${x}?`],
  names: [(o) => `${o.colour} object`, (o) => `${o.pattern} ${o.colour} object`],
  attribute: (o) => o.shape,
  options: 4,
});
