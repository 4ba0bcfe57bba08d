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
export { PredictionCache } from './cache.js';
export type { CacheKey, CachedPrediction } from './cache.js';
export { runBenchmark, scorePredictions } from './runner.js';
export type { Prediction, RunBenchmarkOptions, RunProgress, RunResult } from './runner.js';
export { mergeRuns, parseShard, predictionRecordSchema, predictionRecords, readPredictionRecords, runManifestSchema, shardItems } from './run-records.js';
export type { PredictionRecord, RunManifest, Shard } from './run-records.js';
export { PAPER_COLUMNS, PAPER_TABLE, PAPER_TABLE_SOURCE, compareRuns, markdownTable, readRunSummary, runLabels, runSummarySchema, summaryRow } from './report.js';
export type { PaperColumn, ResultRow, RunSummary } from './report.js';
export { compareFigureSvg, itemScoresInterval, readCompareFigureData } from './compare-figure.js';
export type { CompareFigureData, CompareFigureOptions } from './compare-figure.js';
export { BENCHMARKS, getBenchmark, loadBenchmark } from './registry.js';
export { mcqBenchmark, spatialEvalBenchmark, threeDsrBenchmark } from './loaders/mcq.js';
export { spatial457Benchmark } from './loaders/spatial457.js';
export { qspatialBenchmark } from './loaders/qspatial.js';
export { viewSpatialBenchmark } from './loaders/viewspatial.js';
export { whatsUpBenchmark } from './loaders/whatsup.js';
export { vsiBenchmark } from './loaders/vsi-bench.js';
export { loadSsrlTasks, ssrlTasksBenchmark, spatialSsrlTasksBenchmark } from './loaders/ssrl-tasks.js';
export { vlmevalMcqAnswer } from './scorers/vlmeval-mcq.js';
export { pandasColumn, qwenPostProcess, vlmevalPredictionColumn, xlsxRoundTrip } from './scorers/vlmeval-table.js';
export { scoreMcq } from './scorers/mcq-score.js';
export { scoreThreeDsr } from './scorers/threedsr.js';
export { scoreSpatial457 } from './scorers/spatial457.js';
export { scoreQspatial } from './scorers/qspatial.js';
export { scoreViewSpatial } from './scorers/viewspatial.js';
export { scoreWhatsUp } from './scorers/whatsup.js';
export { scoreVsi } from './scorers/vsi-bench.js';
export { scoreSsrlTasks } from './scorers/ssrl-tasks.js';
export { newcombePairedDifference, pairedCounts, wilsonInterval } from './stats.js';
export type { Interval, PairedCounts } from './stats.js';
export { accuracyBarChart, answerSpreadTable, findingsMarkdown, taskAccuracyTable, taskFormatTable } from './task-report.js';
export type { AnswerSpread, BarChartOptions, RunComparison, TaskCounts, TaskReport, TaskRun } from './task-report.js';
export { synthGeneralBenchmark, synthSpatialBenchmark } from './synth/benchmark.js';
export type { SynthMeta } from './synth/benchmark.js';
export { SYNTH_BENCHES } from './synth/categories.js';
export type { SynthBenchName } from './synth/categories.js';
export { SYNTH_DEFAULTS } from './synth/generate.js';
export type { SynthOptions } from './synth/generate.js';
export { writeSynthBenchmark } from './synth/dataset.js';
export type { SynthProgress, WriteSynthOptions, WriteSynthResult } from './synth/dataset.js';
export type { SynthCategorySummary } from './synth/dataset-summary.js';
export { benchmarkImages } from './contamination/benchmark-images.js';
export type { BenchmarkImage } from './contamination/benchmark-images.js';
