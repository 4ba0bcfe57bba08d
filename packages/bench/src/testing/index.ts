export { startOpenAiTestServer } from './openai-test-server.js';
export type { OpenAiTestServer, OpenAiTestServerOptions, OpenAiTestServerStats, TestChatRequest, TestFault } from './openai-test-server.js';
