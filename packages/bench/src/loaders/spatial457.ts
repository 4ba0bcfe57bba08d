import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type BenchMeta, type LoadOptions } from '../benchmark.js';
import { parseRow } from '../io/json-files.js';
import { imagePlaceholders } from '@spatial-ssrl/spec';
import { vlmevalTextPart } from '../prompts.js';
import { judgeSpatial457, scoreSpatial457, SPATIAL457_ANSWERS, SPATIAL457_LEVELS } from '../scorers/spatial457.js';
import { readVlmevalTsv } from './vlmeval-tsv.js';

const LEVEL_INSTRUCTION: Record<(typeof SPATIAL457_LEVELS)[number], string> = {
  L1_single: 'identify attributes of the objects, ',
  L2_objects: 'identify attributes of multiple objects, ',
  L3_2d_spatial: 'identify attributes of multiple objects and their spatial relationship from 2D projected camera view, ',
  L4_occ: 'identify attributes of multiple objects and their occlusion relationships, ',
  L4_pose: 'identify attributes of multiple objects and their facing direction in 3D space from the camera view, ',
  L5_6d_spatial: 'identify attributes of multiple objects and their spatial relationship from objects’ perspective in 3D space, ',
  L5_collision: 'identify attributes of multiple objects and their potential collision given the assumption of moving direction in 3D space, ',
};

/** The instruction the official Spatial457 prompt puts before the image for a level (empty for an unknown level). */
export function spatial457LevelInstruction(level: string): string {
  const middle = (LEVEL_INSTRUCTION as Record<string, string>)[level];
  if (middle === undefined) return '';
  return (
    'You are an intelligent chatbot designed to answer questions based on an image. Your task is to analyze the images, ' +
    `${middle}and then determine the answer to the question.\n`
  );
}

/** The answer-format instruction the official Spatial457 prompt puts after the question. */
export const SPATIAL457_ANSWER_INSTRUCTION =
  'First, you should identify the related objects refered in the questions, including their shape, color, size; then add a brief reasoning process about the questions. ' +
  "Each object in the image has a shape (e.g., 'airliner'), a size (only can be 'small' or 'large'), a color (e.g. 'blue'). The size of the object is either 'small' or 'large'. " +
  "The color of the object is one of the following: 'gray', 'blue', 'purple', 'brown', 'green', 'cyan', 'red', 'yellow'. " +
  "The direction of the object is one of the following: 'left', 'right', 'front', 'back'.\n\n" +
  `Second, give the answer based on the reasoning process. The answer should only be (1) a phrase chosen from the following options: ${SPATIAL457_ANSWERS}, ` +
  "or (2) an integer [0-10] when asked for 'How many' or 'What is the number of', or (3) 'Yes' or 'No' when asked for 'Is there'. " +
  'If you think there are no possible answers or the question is not clear, choose the best answer that fits the question.\n\n';

const row457 = z.object({
  index: z.string().min(1),
  question: z.string().min(1, 'empty question'),
  answer: z.string().min(1, 'empty answer'),
  category: z.string().min(1, 'empty category (the Spatial457 level)'),
});

/** Loads Spatial457 from VLMEvalKit's TSV (`index, image, question, answer, category`). */
export async function loadSpatial457(path: string, options: LoadOptions = {}): Promise<BenchItem[]> {
  const { rows } = await readVlmevalTsv(path, options.imageRoot ? { imageRoot: options.imageRoot } : {});
  const cot = options.cot ?? true;
  const items: BenchItem[] = [];
  for (const r of rows) {
    const row = parseRow(path, row457, r.text, r.row);
    const level = r.pandas['category'] ?? row.category;
    // Three text parts (level instruction, question, answer instruction), each given the CoT suffix.
    const prompt =
      vlmevalTextPart(spatial457LevelInstruction(level), cot) +
      imagePlaceholders(r.imageCount) +
      vlmevalTextPart(r.pandas['question'] ?? row.question, cot) +
      vlmevalTextPart(SPATIAL457_ANSWER_INSTRUCTION, cot);
    items.push({ id: row.index, prompt, images: r.images, gold: r.pandas['answer'] ?? row.answer, category: level, meta: { index: row.index } });
    if (options.limit !== undefined && items.length >= options.limit) break;
  }
  return items;
}

/** Spatial457 (free-form answers, seven levels). */
export const spatial457Benchmark: Benchmark = defineBenchmark<BenchMeta>({
  name: 'spatial457',
  title: 'Spatial457',
  column: 'Sp457',
  load: loadSpatial457,
  judge: judgeSpatial457,
  score: (items, texts) => scoreSpatial457('spatial457', items, texts),
});
