import { GRPO_REPLICA_JOBS } from './grpo/grpo-jobs.js';
import { serveReplica } from './replica/serve.js';
import { SFT_REPLICA_JOBS } from './sft/sft-jobs.js';

// The entry of a policy replica thread: the place where each trainer registers the jobs its
// replica runs (the replica itself knows none of them).
await serveReplica([...SFT_REPLICA_JOBS, ...GRPO_REPLICA_JOBS]);
