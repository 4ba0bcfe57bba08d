export { BenchError, DataFormatError } from './errors.js';
export type { BenchErrorCode } from './errors.js';
export { defineBenchmark } from './benchmark.js';
export type {
  BenchItem,
  BenchMeta,
  BenchScore,
  Benchmark,
  BenchmarkDefinition,
  ItemJudgement,
  LoadOptions,
  LoadedBenchmark,
  ScoreVariant,
} from './benchmark.js';
export { openAiPolicy, openAiPolicyOptions } from './openai-policy.js';
export type { OpenAiPolicyOptions } from './openai-policy.js';
export { buildChatContent, imageDataUrl } from './openai-content.js';
export type { ChatContentPart, ImageWireFormat } from './openai-content.js';
export { ChatRequestError, chatCompletionRequest, chatRequestToJob } from './openai-chat-request.js';
export type { ChatCompletionRequest, ChatJob, ChatRequestLimits } from './openai-chat-request.js';
export { chatCompletion, chatCompletionChunk, chatUsage } from './openai-chat-response.js';
export type { ChatChoiceResult, ChatCompletionMeta, ChatUsage } from './openai-chat-response.js';
export { Semaphore } from './semaphore.js';
export { EndpointPool } from './endpoint-pool.js';
export type { EndpointLease, EndpointOutcome, EndpointPoolOptions, EndpointState } from './endpoint-pool.js';
export { PredictionCache, promptHash, samplingHash } from './cache.js';
export type { CacheKey, CachedPrediction } from './cache.js';
export { cacheKeyFor, runBenchmark, scorePredictions } from './runner.js';
export type { Prediction, RunBenchmarkOptions, RunProgress, RunResult } from './runner.js';
export { mergeRuns, parseShard, predictionRecordSchema, predictionRecords, readPredictionRecords, runManifestSchema, shardItems } from './run-records.js';
export type { PredictionRecord, RunManifest, Shard } from './run-records.js';
export {
  PAPER_COLUMNS,
  PAPER_COLUMN_BENCHMARK,
  PAPER_TABLE,
  PAPER_TABLE_SOURCE,
  compareRuns,
  markdownTable,
  readRunSummary,
  runLabels,
  runSummarySchema,
  summaryRow,
} from './report.js';
export type { PaperColumn, ResultRow, RunSummary } from './report.js';
export { compareFigureSvg, itemScoresInterval, readCompareFigureData } from './compare-figure.js';
export type { CompareFigureData, CompareFigureOptions } from './compare-figure.js';
export { BENCHMARKS, getBenchmark, loadBenchmark } from './registry.js';
export { openTsv, readTsvCell } from './io/tsv.js';
export type { TsvCell, TsvLazyCell, TsvRecord } from './io/tsv.js';
export { sniffMime } from './io/images.js';
export { readVlmevalTsv } from './loaders/vlmeval-tsv.js';
export type { VlmevalRow } from './loaders/vlmeval-tsv.js';
export { loadVlmevalMcq, mcqBenchmark, spatialEvalBenchmark, threeDsrBenchmark, vlmevalMcqPrompt } from './loaders/mcq.js';
export type { McqMeta } from './loaders/mcq.js';
export { SPATIAL457_ANSWER_INSTRUCTION, loadSpatial457, spatial457Benchmark, spatial457LevelInstruction } from './loaders/spatial457.js';
export { QSPATIAL_SYSTEM_PROMPT, loadQspatial, qspatialBenchmark, qspatialPrompt } from './loaders/qspatial.js';
export type { QspatialMeta } from './loaders/qspatial.js';
export { VIEWSPATIAL_IMAGE_SIZE, loadViewSpatial, viewSpatialBenchmark, viewSpatialPrompt } from './loaders/viewspatial.js';
export type { ViewSpatialMeta } from './loaders/viewspatial.js';
export { WHATSUP_FILES, loadWhatsUp, whatsUpBenchmark, whatsUpPreposition, whatsUpPrompt, whatsUpShuffle } from './loaders/whatsup.js';
export type { WhatsUpMeta } from './loaders/whatsup.js';
export { VSI_DEFAULT_FRAMES, loadVsiBench, vsiBenchmark, vsiPrompt } from './loaders/vsi-bench.js';
export type { VsiMeta } from './loaders/vsi-bench.js';
export { ffmpegAvailable, sampleFrameIndices } from './loaders/video-frames.js';
export { loadSsrlTasks, spatialSsrlTasksBenchmark, ssrlTasksBenchmark } from './loaders/ssrl-tasks.js';
export { boxedFirst, canInfer, canInferOption, canInferText, vlmevalMcqAnswer } from './scorers/vlmeval-mcq.js';
export type { McqChoices } from './scorers/vlmeval-mcq.js';
export { judgeMcq, scoreMcq } from './scorers/mcq-score.js';
export { pandasColumn, qwenPostProcess, vlmevalPredictionColumn, xlsxRoundTrip } from './scorers/vlmeval-table.js';
export { THREEDSR_SETTINGS, scoreThreeDsr, threeDsrGroupHits } from './scorers/threedsr.js';
export type { ThreeDsrSetting } from './scorers/threedsr.js';
export { SPATIAL457_LEVELS, scoreSpatial457, spatial457Correct, spatial457Extract } from './scorers/spatial457.js';
export { qspatialHit, qspatialMultiplier, qspatialParse, scoreQspatial } from './scorers/qspatial.js';
export { lastBoxedFlat, scoreViewSpatial, viewSpatialLetter, viewSpatialPrediction } from './scorers/viewspatial.js';
export { scoreWhatsUp, whatsUpBoxed } from './scorers/whatsup.js';
export {
  VSI_MCQ_TYPES,
  VSI_NUMERIC_TYPES,
  mraSpatialSsrl,
  mraThinkingInSpace,
  scoreVsi,
  thinkingInSpaceAggregate,
  vsiSpatialSsrlItem,
  vsiThinkingInSpaceItem,
} from './scorers/vsi-bench.js';
export { scoreSsrlTasks } from './scorers/ssrl-tasks.js';
export {
  chanceAccuracy,
  differenceVerdict,
  newcombeDifference,
  newcombePairedDifference,
  normalQuantile,
  pairedCounts,
  wilsonInterval,
} from './stats.js';
export type { Interval, PairedCounts } from './stats.js';
export {
  ALL_TASKS,
  accuracyBarChart,
  accuracyCell,
  answerSpreadTable,
  comparisonFindings,
  differenceCell,
  findingsMarkdown,
  reportTasks,
  taskAccuracyTable,
  taskFormatTable,
} from './task-report.js';
export type { AnswerSpread, BarChartOptions, ComparisonFinding, RunComparison, TaskCounts, TaskReport, TaskRun, VerdictPhrases } from './task-report.js';
